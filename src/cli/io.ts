// How commands talk to the world: output streams and the folder they run in, and the error that means "usage".

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** A problem with how the command was called or with the files it was given: exit code 2 and the usage. */
export class UsageError extends Error {}

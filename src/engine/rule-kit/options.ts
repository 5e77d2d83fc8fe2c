// A rule's options: each with a default (whose type is the option's) and a description for the docs and settings.

export type OptionValue = number | string | boolean;

export interface RuleOption<T extends OptionValue = OptionValue> {
  /** The option's type is its default's. */
  default: T;
  description: string;
}

export type RuleOptions = Record<string, RuleOption>;

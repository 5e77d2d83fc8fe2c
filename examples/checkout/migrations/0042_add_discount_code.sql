-- Expand phase for checkout 2.4: both versions keep working while the canary runs.
SET lock_timeout = '2s';

ALTER TABLE orders ADD COLUMN discount_code text;

CREATE INDEX CONCURRENTLY orders_discount_code_idx ON orders (discount_code);

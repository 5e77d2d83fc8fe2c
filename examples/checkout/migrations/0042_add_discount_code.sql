-- Expand phase for checkout 2.4: both versions keep working while the canary runs.
SET lock_timeout = '2s';

-- The statements run one at a time (CONCURRENTLY needs that): each can run again if a later one fails.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS discount_code text;

DROP INDEX CONCURRENTLY IF EXISTS orders_discount_code_idx;
CREATE INDEX CONCURRENTLY orders_discount_code_idx ON orders (discount_code);

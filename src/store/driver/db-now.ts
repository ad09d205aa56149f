/**
 * Milliseconds since the Unix epoch on the database's clock, in the dialect the store's SQL is written in (SQLite);
 * src/store/pg/dialect.ts maps it to PostgreSQL's clock.
 */
export const DB_NOW = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

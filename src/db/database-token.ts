/** DI token of the app's Database: `database.atomic(async () => ...)` for blocks inside a view. */
export const DATABASE: unique symbol = Symbol.for('rondo:DATABASE');

// @shop/db: entities, configuration, migrations and the services that own every unit of work.
export * from './database-url.ts';
export * from './entities/index.ts';
export * from './env.ts';
export * from './errors.ts';
export * from './migrations.ts';
export * from './money.ts';
export * from './orm.ts';
export * from './passwords.ts';
export * from './services/accounts.ts';
export * from './services/categories.ts';
export * from './services/export.ts';
export * from './services/pagination.ts';
export * from './services/products.ts';
export * from './services/profiles.ts';
export * from './services/roles.ts';
export * from './services/text-search.ts';
export * from './services/users.ts';

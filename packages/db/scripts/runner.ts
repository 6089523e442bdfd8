// What every db script shares: settings from the environment, the ORM opened (and closed) once, an optional
// "migrations applied?" check, and failures as one clear line with exit code 1. Driver exceptions are
// translated into domain errors here, the scripts' boundary, as the dbProcedure middleware does for the API.

import { describeTarget } from '../src/driver/database-url.ts';
import { toDomainError } from '../src/driver/driver-errors.ts';
import { type DatabaseSettings, loadDatabaseSettings } from '../src/driver/env.ts';
import { requireMigrated } from '../src/driver/migrations.ts';
import { type Orm, openOrm } from '../src/driver/orm.ts';

export interface ScriptContext {
  orm: Orm;
  settings: DatabaseSettings;
  /** "SQLite data/dev.db", "PostgreSQL shop on 127.0.0.1:5432" */
  database: string;
}

const messageOf = (error: unknown) => {
  const translated = toDomainError(error);
  return translated instanceof Error ? translated.message : String(translated);
};

/** Runs `script` against DATABASE_URL and exits with the code it returns (1 when it throws). */
export async function runDbScript(
  script: (context: ScriptContext) => Promise<number>,
  { migrated = true }: { migrated?: boolean } = {},
): Promise<never> {
  let orm: Orm | undefined;
  let exitCode = 0;
  try {
    const settings = loadDatabaseSettings();
    const database = describeTarget(settings.target);
    orm = await openOrm(settings.target, { pool: settings.pool }).catch((error: unknown) => {
      throw new Error(`cannot open ${database}: ${messageOf(error)}`);
    });
    if (migrated) await requireMigrated(orm, database);
    exitCode = await script({ orm, settings, database });
  } catch (error) {
    console.error(`error: ${messageOf(error)}`);
    exitCode = 1;
  } finally {
    await orm?.close();
  }
  process.exit(exitCode);
}

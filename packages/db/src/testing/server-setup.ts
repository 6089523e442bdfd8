// What the globalSetup of each server project ("postgresql", "mariadb") does: the server must be
// reachable. Under CI=true an unreachable server fails the run; elsewhere its suite is skipped with a loud
// warning, and the workers learn why (`inject(key)`).
import type { TestProject } from 'vitest/node';
import './provided-context.ts';

export async function requireServer(
  project: TestProject,
  {
    name,
    url,
    reachable,
    key,
  }: {
    name: string;
    url: string;
    reachable: () => Promise<string | null>;
    key: 'postgresUnavailable' | 'mariadbUnavailable';
  },
) {
  const shown = url.replace(/:[^:@/]*@/, ':***@');
  const problem = await reachable();
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (problem && ci) {
    throw new Error(`${name} at ${shown} is unreachable (${problem}); with CI=${process.env.CI} it is mandatory`);
  }
  if (problem) {
    console.warn(`\n!! ${name} at ${shown} is unreachable (${problem}): SKIPPING the ${name} suite (CI is not set)\n`);
  } else {
    console.log(`${name} suite: server ${shown} reachable (CI=${process.env.CI ?? 'unset'})`);
  }
  project.provide(key, problem);
}

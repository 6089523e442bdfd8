// Password hashing: argon2id at OWASP's minimum (m=19 MiB, t=2, p=1), through prebuilt @node-rs/argon2.
import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id is a const enum, which type stripping cannot inline: its value is 2.
const ARGON2ID = 2;
export const PASSWORD_HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A password's length: at least 8; at most 256, so what a client sends to be hashed stays small. */
export const passwordLimits = { min: 8, max: 256 } as const;

export const hashPassword = (password: string) => hash(password, PASSWORD_HASH_OPTIONS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

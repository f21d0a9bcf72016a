import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InputError, errorMessage } from '../errors.js';
import { MAX_BYTES, TextFileError, readTextFile } from '../files/read-text.js';

const savedLoginSchema = z.object({
  token: z.string().min(1),
  userId: z.number().int(),
  email: z.string(),
  name: z.string().optional(),
  savedAt: z.string(),
});

const credentialsFileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), savedLoginSchema),
});

export type SavedLogin = z.infer<typeof savedLoginSchema>;
type CredentialsFile = z.infer<typeof credentialsFileSchema>;

/**
 * One token per server URL, in a file only its owner can read (directory 0700, file 0600),
 * replaced atomically so a crash never leaves half a file.
 */
export class CredentialsStore {
  constructor(readonly filepath: string) {}

  async get(serverUrl: string): Promise<SavedLogin | undefined> {
    return (await this.read()).servers[serverUrl];
  }

  async save(serverUrl: string, login: SavedLogin): Promise<void> {
    const file = await this.read();
    file.servers[serverUrl] = login;
    await this.write(file);
  }

  /** Returns whether a login for that server was there. */
  async remove(serverUrl: string): Promise<boolean> {
    const file = await this.read();
    if (!(serverUrl in file.servers)) return false;
    delete file.servers[serverUrl];
    await this.write(file);
    return true;
  }

  /** The file, read synchronously (bounded, a regular file only); a failure rejects. */
  private read(): Promise<CredentialsFile> {
    return new Promise((resolve) => resolve(this.readNow()));
  }

  private readNow(): CredentialsFile {
    let text: string;
    try {
      text = readTextFile(this.filepath, { what: 'the credentials file', maxBytes: MAX_BYTES.credentials });
    } catch (err) {
      if (err instanceof TextFileError && err.problem === 'missing') return { version: 1, servers: {} };
      throw err;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = credentialsFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new InputError(
        `the credentials file ${this.filepath} is damaged: delete it and run \`ecotaxa-access login\` again`,
      );
    }
    return parsed.data;
  }

  private async write(file: CredentialsFile): Promise<void> {
    try {
      await this.replace(file);
    } catch (err) {
      throw new InputError(
        `cannot write the credentials file ${this.filepath} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}): check that directory, or set XDG_CONFIG_HOME`,
      );
    }
  }

  private async replace(file: CredentialsFile): Promise<void> {
    const dir = path.dirname(this.filepath);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.chmod(dir, 0o700);
    const tmp = `${this.filepath}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, this.filepath);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    // rename keeps the temporary file's mode, but an older file may have been loosened by hand.
    await fs.chmod(this.filepath, 0o600);
  }
}

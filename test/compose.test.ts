/**
 * compose.yaml against the Compose Specification's JSON schema (test/fixtures/compose-spec, from the
 * compose-spec project), and the parts of it the deployment docs rely on. Running it for real needs
 * a container engine and Compose v2.23.1 or later: `.ci/compose-smoke` (docs/deployment.md).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const schema = JSON.parse(readFileSync('test/fixtures/compose-spec/compose-spec.json', 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
// The schema names draft-07 by its https address, which ajv knows as http://…/schema#: the same meta-schema.
const draft07 = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json') as { $id: string };
ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
const validate = ajv.compile(schema);
const compose = parse(readFileSync('compose.yaml', 'utf8'), { merge: true }) as Record<string, any>;

const errorsOf = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe('compose.yaml', () => {
  it('validates against the Compose Specification schema', () => {
    expect(errorsOf(compose)).toEqual([]);
  });

  it('the schema is enforced: a misspelt key or a wrong type fails', () => {
    const misspelt = structuredClone(compose);
    misspelt.services['bot-1'].restarts = 'always';
    expect(errorsOf(misspelt).join('\n')).toContain('/services/bot-1 must NOT have additional properties');
    const wrongType = structuredClone(compose);
    wrongType.services.proxy.ports = '80:80';
    expect(errorsOf(wrongType).join('\n')).toContain('/services/proxy/ports must be array');
  });

  it('two webhook replicas on the one database, and only the webhook path behind the proxy', () => {
    const bots = Object.entries(compose.services as Record<string, any>).filter(([, s]) => s.build === '.');
    expect(bots.map(([name]) => name)).toEqual(['bot-1', 'bot-2']);
    for (const [, s] of bots) {
      expect(s.environment.BOT_MODE).toBe('webhook');
      expect(s.environment.DATABASE_URL).toMatch(/@db:5432\//);
      expect(s.depends_on.db.condition).toBe('service_healthy');
    }
    const caddyfile: string = compose.configs.caddyfile.content;
    expect(caddyfile).toContain(`handle ${bots[0]![1].environment.WEBHOOK_PATH}`);
    expect(caddyfile).toMatch(/reverse_proxy bot-1:8080 bot-2:8080/);
    expect(caddyfile).toMatch(/respond 404/);
  });
});

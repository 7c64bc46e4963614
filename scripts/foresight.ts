/**
 * The Foresight CLI: `npm run foresight -- <command> [options]`. It drives the same lib/ code as
 * the web app, on the store under FORESIGHT_HOME. Every option is validated; errors say which.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SYSTEM_ACTOR, recordAudit } from '../lib/audit';
import { seedDemo } from '../lib/demo';
import { createTenant, deleteTenant, listTenants, setTenantStatus } from '../lib/tenants';
import { createUser } from '../lib/users';
import { createApiKey } from '../lib/apikeys';
import { tierHas } from '../lib/tiers';
import { emailSchema, passwordSchema, roleSchema, tenantIdSchema, tierSchema } from '../lib/schemas/tenant';
import { isAppError } from '../lib/errors';
import { passwordProblem } from '../lib/auth/password-policy';
import { foresightHome } from '../lib/config';
// Raw fs, not lib/storage: reads the user's own input files named on the command line.
import fs from 'node:fs/promises';
import path from 'node:path';
import { findTenant } from '../lib/tenants';
import { readCsvDir } from '../lib/ingest/files';
import { parseJoinArg, parseMappingArg, previewCsv } from '../lib/ingest/generic';
import { ingestDataset, type IngestRequest } from '../lib/datasets/ingest';
import { progressBar } from '../lib/cli/progress';
import { importModeSchema, type ValidationReport } from '../lib/schemas/ingest';
import { BASE_CALENDARS, importHolidayCsv, type BaseCalendar } from '../lib/holidays';
import { CommandUsageError, evaluateCommand, retrainCommand, trainCommand } from './commands/train';
import { withTrainingThreads } from '../lib/training/threads';

const CLI_ACTOR = { ...SYSTEM_ACTOR, id: 'cli', label: 'cli' };

const HELP = `Foresight CLI (store: ${foresightHome()})

Usage: npm run foresight -- <command> [options]

  seed-demo [--seed N] [--scale X] [--shift-from YYYY-MM-DD --shift-factor F] [--no-data] [--no-train]
                                     create the demo tenant, one user per role, its generated
                                     data (8 retail CSV files imported) and its first trained model
                                     (in production); password from DEMO_PASSWORD, else generated
                                     and printed once; --shift-* changes demand from a date on (e.g.
                                     a new competitor); --no-train skips the model
  tenant create --id ID --name NAME [--tier starter|pro|enterprise]
  tenant list
  tenant suspend --id ID
  tenant reactivate --id ID
  tenant delete --id ID --yes        delete the tenant and all of its files
  user create --tenant T --email E --role admin|manager|analyst|viewer [--name N] [--password P]
                                     (without --password one is generated and printed once; a
                                     chosen one meets the password policy, see docs/security.md)
  apikey create --tenant T --role R [--name N]
                                     prints the key once; only its hash is stored
  ingest --tenant T --format retail --dir D [--mode append|replace]
                                     imports the retailer's 8 CSV files from folder D
  ingest --tenant T --format generic --file F --map date=Date,store=Store,target=Weekly_Sales[,numeric=A|B or *][,categorical=C]
         [--join stores.csv:store=store_nbr]... [--date-format DD/MM/YYYY] [--frequency daily|weekly]
         [--holidays F [--holiday-base ru|us-retail|none]] [--mode append|replace]
                                     imports one CSV with a column mapping (numeric=* takes every
                                     other numeric column); --join adds attribute files on a key;
                                     --holidays sets the tenant's holiday calendar from a CSV of
                                     dates (date[,name]) on top of a built-in calendar
                                     --mode append (default) adds newer days and refuses (exit 1)
                                     rows of stored days that differ; --mode replace overwrites the
                                     stored values of the days and series in the files
  holidays import --tenant T --file F [--base ru|us-retail|none]
                                     sets the holiday calendar alone
  train --tenant T [--algo gbm,rf,ridge,ensemble] [--tune] [--seed N] [--holdout-days N]
                                     trains on the tenant's data, records the experiments and
                                     registers the best model (the first in production, later ones
                                     in staging to compare and promote); progress on stderr, a
                                     summary table of every model and baseline on stdout
  evaluate --tenant T [--holdout-days N] [--json]
                                     trains and scores every model and baseline on the hold-out
                                     without registering; --json prints only one JSON object
  retrain --tenant T [--trigger TEXT]
                                     one auto-retraining cycle (for cron): challenger against the
                                     production model on the same hold-out, promoted only if better
                                     by the margin with no large store or category worse
`;

async function importHolidays(tenantId: string, file: string, base: unknown): Promise<void> {
  const baseName = validate(z.enum(Object.keys(BASE_CALENDARS) as [BaseCalendar, ...BaseCalendar[]]), base ?? 'ru', 'holiday-base');
  const text = await fs.readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`--holidays: cannot read ${file}: ${e.code ?? e.message}`);
  });
  const spec = await importHolidayCsv(tenantId, baseName, text, path.basename(file));
  await recordAudit(tenantId, { actor: CLI_ACTOR, action: 'settings.holidays', target: spec.name, outcome: 'success', details: { dates: spec.dates.length } });
  console.log(`Holiday calendar of ${tenantId}: ${baseName} plus ${spec.dates.length} dates from ${path.basename(file)}.`);
}

function printReport(report: ValidationReport): void {
  for (const e of report.errors) console.error(`  error   ${e.file}${e.line !== null ? `:${e.line}` : ''}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`);
  if (report.errorCount > report.errors.length) console.error(`  ... and ${report.errorCount - report.errors.length} more errors`);
  for (const w of report.warnings.slice(0, 20)) console.error(`  warning ${w.file}${w.line !== null ? `:${w.line}` : ''}${w.column ? ` [${w.column}]` : ''}: ${w.reason}`);
  if (report.warningCount > 20) console.error(`  ... and ${report.warningCount - 20} more warnings`);
}

async function readUpload(file: string) {
  try {
    return { name: path.basename(file), bytes: new Uint8Array(await fs.readFile(file)) };
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

class UsageError extends Error {}

function validate<T>(schema: z.ZodType<T>, value: unknown, option: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${option}: ${parsed.error.issues[0]?.message ?? 'invalid'}${value === undefined ? ' (missing)' : ''}`);
  return parsed.data;
}

function options(args: string[], spec: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function run(argv: string[]): Promise<void> {
  const [command, sub, ...rest] = argv;
  const key = sub && !sub.startsWith('--') ? `${command} ${sub}` : command;
  const args = sub && !sub.startsWith('--') ? rest : argv.slice(1);
  switch (key) {
    case undefined:
    case 'help':
    case '--help':
      console.log(HELP);
      return;
    case 'seed-demo': {
      const o = options(args, { seed: { type: 'string' }, scale: { type: 'string' }, 'shift-from': { type: 'string' }, 'shift-factor': { type: 'string' }, 'no-data': { type: 'boolean' }, 'no-train': { type: 'boolean' } });
      const seed = validate(z.coerce.number().int().min(0), o.seed ?? '42', 'seed');
      const scale = validate(z.coerce.number().min(0.01).max(20), o.scale ?? '1', 'scale');
      const shiftFrom = o['shift-from'] === undefined ? undefined : validate(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'), o['shift-from'], 'shift-from');
      const shiftFactor = validate(z.coerce.number().positive().max(10), o['shift-factor'] ?? '0.8', 'shift-factor');
      const bar = progressBar('demo model');
      const result = await seedDemo(undefined, o['no-data'] ? null : { seed, scale, demandShift: shiftFrom ? { from: shiftFrom, factor: shiftFactor } : undefined }, {
        train: !o['no-train'],
        progress: (d, t, m) => bar.update(d, t, m),
      });
      if (result.data) console.log(`Demo data: ${result.data.message} (${result.data.dateRange?.first} to ${result.data.dateRange?.last})`);
      if (result.model) console.log(`Demo model: ${result.model.id} (${result.model.algorithm}) in production, hold-out WAPE ${((result.model.metrics.wape ?? NaN) * 100).toFixed(1)}% against seasonal naive ${((result.model.baselineMetrics.wape ?? NaN) * 100).toFixed(1)}%`);
      if (!result.created) {
        console.log('The demo tenant, its users, its data and its model already exist; nothing changed.');
        return;
      }
      if (result.accounts.length === 0) return;
      console.log(`Demo tenant "demo" ready. Accounts created:\n  ${result.accounts.join('\n  ')}`);
      if (result.generatedPassword) {
        console.log(`\nPassword for these accounts (shown once, not stored): ${result.generatedPassword}\nSet DEMO_PASSWORD to choose it yourself.`);
      } else {
        console.log('\nPassword: the value of DEMO_PASSWORD.');
      }
      return;
    }
    case 'tenant create': {
      const o = options(args, { id: { type: 'string' }, name: { type: 'string' }, tier: { type: 'string' } });
      const id = validate(tenantIdSchema, o.id, 'id');
      const name = validate(z.string().trim().min(1, 'a name is required').max(80), o.name, 'name');
      const tier = validate(tierSchema, o.tier ?? 'starter', 'tier');
      const tenant = await createTenant({ id, name, tier });
      await recordAudit(null, { actor: CLI_ACTOR, action: 'tenants.create', target: id, outcome: 'success', details: { tier } });
      await recordAudit(id, { actor: CLI_ACTOR, action: 'tenants.create', target: id, outcome: 'success', details: { tier } });
      console.log(`Created tenant ${tenant.id} (${tenant.name}, ${tenant.tier}). Add its first admin with: npm run foresight -- user create --tenant ${id} --email ... --role admin`);
      return;
    }
    case 'tenant list': {
      options(args, {});
      const tenants = await listTenants();
      if (tenants.length === 0) console.log('No tenants.');
      for (const t of tenants) console.log(`${t.id.padEnd(20)} ${t.status.padEnd(10)} ${t.tier.padEnd(11)} ${t.name}`);
      return;
    }
    case 'tenant suspend':
    case 'tenant reactivate': {
      const o = options(args, { id: { type: 'string' } });
      const id = validate(tenantIdSchema, o.id, 'id');
      const status = sub === 'suspend' ? 'suspended' : 'active';
      await setTenantStatus(id, status);
      await recordAudit(null, { actor: CLI_ACTOR, action: `tenants.${sub}`, target: id, outcome: 'success' });
      await recordAudit(id, { actor: CLI_ACTOR, action: `tenants.${sub}`, target: id, outcome: 'success' });
      console.log(`Tenant ${id} is now ${status}.`);
      return;
    }
    case 'tenant delete': {
      const o = options(args, { id: { type: 'string' }, yes: { type: 'boolean' } });
      const id = validate(tenantIdSchema, o.id, 'id');
      if (!o.yes) throw new UsageError(`Deleting removes every file of tenant ${id}. Add --yes to confirm.`);
      await deleteTenant(id);
      await recordAudit(null, { actor: CLI_ACTOR, action: 'tenants.delete', target: id, outcome: 'success' });
      console.log(`Deleted tenant ${id} and all of its files.`);
      return;
    }
    case 'user create': {
      const o = options(args, { tenant: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } });
      const tenantId = validate(tenantIdSchema, o.tenant, 'tenant');
      const userTenant = (await listTenants()).find((t) => t.id === tenantId);
      if (!userTenant) throw new UsageError(`--tenant: no tenant "${tenantId}" (see: tenant list)`);
      const email = validate(emailSchema, o.email, 'email');
      const role = validate(roleSchema, o.role, 'role');
      const generated = o.password === undefined ? randomBytes(16).toString('base64url') : undefined;
      const password = validate(passwordSchema, o.password ?? generated, 'password');
      const refused = passwordProblem(password, { email, organisation: [tenantId, userTenant.name, userTenant.branding.displayName] });
      if (refused) throw new UsageError(`--password: ${refused}`);
      const name = validate(z.string().trim().min(1).max(100), o.name ?? email.split('@')[0], 'name');
      const user = await createUser(tenantId, { email, name, role, password });
      await recordAudit(tenantId, { actor: CLI_ACTOR, action: 'users.create', target: user.email, outcome: 'success', details: { role } });
      console.log(`Created ${user.email} (${role}) in ${tenantId}.`);
      if (generated) console.log(`Password (shown once, not stored): ${generated}`);
      return;
    }
    case 'apikey create': {
      const o = options(args, { tenant: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } });
      const tenantId = validate(tenantIdSchema, o.tenant, 'tenant');
      const keyTenant = (await listTenants()).find((t) => t.id === tenantId);
      if (!keyTenant) throw new UsageError(`--tenant: no tenant "${tenantId}" (see: tenant list)`);
      // The same rule as the admin UI and POST /api/v1/apikeys: a key that could never be used is refused.
      if (!tierHas(keyTenant.tier, 'api')) throw new UsageError(`--tenant: API access is not part of the ${keyTenant.tier} plan of "${tenantId}" (it needs enterprise)`);
      const role = validate(roleSchema, o.role, 'role');
      const name = validate(z.string().trim().min(1).max(80), o.name ?? `cli ${role} key`, 'name');
      const { key, secret } = await createApiKey(tenantId, { name, role, createdBy: 'cli' });
      await recordAudit(tenantId, { actor: CLI_ACTOR, action: 'apikeys.create', target: key.id, outcome: 'success', details: { name, role } });
      console.error(`Created API key ${key.id} (${role}) for ${tenantId}. It is shown once; store it now:`);
      console.log(secret);
      return;
    }
    case 'ingest': {
      const o = options(args, {
        tenant: { type: 'string' },
        format: { type: 'string' },
        dir: { type: 'string' },
        file: { type: 'string' },
        map: { type: 'string' },
        join: { type: 'string', multiple: true },
        'date-format': { type: 'string' },
        frequency: { type: 'string' },
        holidays: { type: 'string' },
        'holiday-base': { type: 'string' },
        mode: { type: 'string' },
      });
      const tenantId = validate(tenantIdSchema, o.tenant, 'tenant');
      const tenant = await findTenant(tenantId);
      if (!tenant) throw new UsageError(`--tenant: no tenant "${tenantId}" (see: tenant list)`);
      const format = validate(z.enum(['retail', 'generic']), o.format, 'format');
      const mode = validate(importModeSchema.default('append'), o.mode, 'mode');
      let request: IngestRequest;
      if (format === 'retail') {
        const dir = validate(z.string().min(1, 'a folder is required'), o.dir, 'dir');
        const { files } = await readCsvDir(path.resolve(dir)).catch((e: NodeJS.ErrnoException) => {
          throw new UsageError(`--dir: cannot read ${dir}: ${e.code ?? e.message}`);
        });
        if (files.length === 0) throw new UsageError(`--dir: no .csv files in ${dir}`);
        request = { format, files, mode };
      } else {
        const filePath = validate(z.string().min(1, 'a file is required'), o.file, 'file');
        const file = await readUpload(filePath);
        const preview = previewCsv(file);
        if (!preview.report.ok) {
          printReport(preview.report);
          throw new UsageError(`--file: ${file.name} cannot be read as CSV`);
        }
        let mapping;
        try {
          mapping = parseMappingArg(validate(z.string().min(1, 'a mapping is required'), o.map, 'map'));
        } catch (e) {
          throw new UsageError(`--map: ${(e as Error).message}`);
        }
        // numeric=* takes every other column the preview detected as numbers.
        if (mapping.numeric?.includes('*')) {
          const used = new Set([mapping.date, mapping.target, ...Object.values(mapping.keys ?? {}), ...(mapping.categorical ?? [])]);
          mapping.numeric = preview.columns.filter((c) => !used.has(c) && preview.types[c] === 'number');
        }
        const unknown = [mapping.date, mapping.target, ...Object.values(mapping.keys ?? {}), ...(mapping.numeric ?? []), ...(mapping.categorical ?? [])].filter((c) => !preview.columns.includes(c));
        if (unknown.length > 0) throw new UsageError(`--map: no column ${unknown.map((c) => `"${c}"`).join(', ')} in ${file.name} (it has: ${preview.columns.join(', ')})`);
        if (o['date-format']) mapping.dateFormat = validate(z.enum(['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY']), o['date-format'], 'date-format');
        if (o.frequency) mapping.frequency = validate(z.enum(['daily', 'weekly']), o.frequency, 'frequency');
        const joinArgs = validate(z.array(z.string()).default([]), o.join, 'join');
        const joins = [];
        for (const j of joinArgs) {
          let spec;
          try {
            spec = parseJoinArg(j);
          } catch (e) {
            throw new UsageError(`--join: ${(e as Error).message}`);
          }
          const joinFile = await readUpload(path.resolve(path.dirname(path.resolve(filePath)), spec.file));
          joins.push({ file: joinFile, key: spec.key, column: spec.column });
        }
        request = { format, file, mapping, joins, mode };
      }
      if (typeof o.holidays === 'string') await importHolidays(tenantId, o.holidays, o['holiday-base'] ?? (format === 'generic' ? 'us-retail' : 'ru'));
      const bar = progressBar(`ingest ${tenantId}`);
      const outcome = await ingestDataset(tenant, request, CLI_ACTOR, (d, t, m) => bar.update(d, t, m));
      printReport(outcome.report);
      if (outcome.status === 'invalid') {
        console.error(outcome.message);
        process.exitCode = 1;
        return;
      }
      console.log(outcome.message);
      if (outcome.dateRange) console.log(`Dataset: ${outcome.rows.toLocaleString('en')} rows, ${outcome.dateRange.first} to ${outcome.dateRange.last}, fingerprint ${outcome.fingerprint.slice(0, 12)}`);
      return;
    }
    case 'holidays import': {
      const o = options(args, { tenant: { type: 'string' }, file: { type: 'string' }, base: { type: 'string' } });
      const tenantId = validate(tenantIdSchema, o.tenant, 'tenant');
      if (!(await findTenant(tenantId))) throw new UsageError(`--tenant: no tenant "${tenantId}" (see: tenant list)`);
      await importHolidays(tenantId, validate(z.string().min(1, 'a file is required'), o.file, 'file'), o.base);
      return;
    }
    case 'train':
      await withTrainingThreads((kernels) => trainCommand(args, CLI_ACTOR, kernels));
      return;
    case 'evaluate':
      await withTrainingThreads((kernels) => evaluateCommand(args, kernels));
      return;
    case 'retrain':
      await withTrainingThreads((kernels) => retrainCommand(args, CLI_ACTOR, kernels));
      return;
    default:
      throw new UsageError(`Unknown command "${argv.join(' ')}".\n\n${HELP}`);
  }
}

run(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    if (e instanceof UsageError || e instanceof CommandUsageError) console.error(`Error: ${e.message}`);
    else if (isAppError(e)) console.error(`Error (${e.code}): ${e.message}`);
    else console.error(e);
    process.exit(e instanceof UsageError || e instanceof CommandUsageError ? 2 : 1);
  },
);

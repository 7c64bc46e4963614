import type { Metadata } from 'next';
import { requirePage } from '@/lib/auth/guards';
import { openApiDocument } from '@/lib/api/openapi';
import { API_ROUTES } from '@/lib/api/routes';
import { can } from '@/lib/auth/permissions';
import { tierHas } from '@/lib/tiers';

export const metadata: Metadata = { title: 'API' };

type Param = { name: string; in: string; required: boolean; schema: { type?: string; enum?: string[]; default?: unknown } };

export default async function ApiDocsPage() {
  const ctx = await requirePage('dashboards.read', '/api-docs');
  const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters: Param[] }>> };
  const endpoints = API_ROUTES.map((r) => r.definition);
  return (
    <>
      <h1>API</h1>
      <p>
        Your systems call <code>/api/v1</code> with an API key (<code>Authorization: Bearer fsk…</code>) that an admin creates; the browser uses your session.
        Every endpoint checks the key&apos;s or your role, and answers errors as <code>{'{ "error": { "code", "message", "details" } }'}</code>. The machine-readable
        document is <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
      </p>
      {!tierHas(ctx.tenant.tier, 'api') && <p className="alert error">API keys are part of the Enterprise plan; your plan is {ctx.tenant.tier}.</p>}
      <section className="card table-wrap">
        <table data-testid="api-endpoints">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>What it does</th>
              <th>Parameters</th>
              <th>Permission</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.map((e) => {
              const params = doc.paths[e.path]?.[e.method.toLowerCase()]?.parameters ?? [];
              return (
                <tr key={`${e.method} ${e.path}`}>
                  <td>
                    <code>
                      {e.method} /api/v1{e.path}
                    </code>
                  </td>
                  <td>{e.summary}</td>
                  <td>
                    {params.length === 0 && !e.multipart && !e.body ? (
                      '—'
                    ) : (
                      <ul style={{ margin: 0, paddingLeft: '1rem' }}>
                        {params.map((p) => (
                          <li key={p.name}>
                            <code>{p.name}</code> ({p.in}
                            {p.schema.enum ? `: ${p.schema.enum.join(' | ')}` : p.schema.type ? `: ${p.schema.type}` : ''}
                            {p.required ? ', required' : ''})
                          </li>
                        ))}
                        {e.multipart &&
                          Object.entries(e.multipart).map(([k, f]) => (
                            <li key={k}>
                              <code>{k}</code> (form {f.type}
                              {f.required ? ', required' : ''})
                            </li>
                          ))}
                        {e.body && <li>JSON body (see the document)</li>}
                      </ul>
                    )}
                  </td>
                  <td>
                    <code>{e.permission}</code> {can(ctx.role, e.permission) ? <span className="badge ok">you</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </>
  );
}

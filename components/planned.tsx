/**
 * For pages whose capability is still being built: says plainly what the page will show and what
 * it needs first. Never shows made-up figures.
 */
export function Planned({ title, willShow, needs }: { title: string; willShow: readonly string[]; needs?: string }) {
  return (
    <section className="card" aria-labelledby="planned-heading">
      <h2 id="planned-heading">{title}: coming with its capability</h2>
      <p className="muted">Nothing to show yet. When it is built, this page will show:</p>
      <ul>
        {willShow.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      {needs && <p className="muted">{needs}</p>}
    </section>
  );
}

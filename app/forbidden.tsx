import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="centered">
      <div className="card" role="alert" style={{ maxWidth: 480 }}>
        <h1>403 · Not allowed</h1>
        <p>Your role does not allow this page. If you need it, ask an admin of your organisation.</p>
        <Link href="/">Back to the overview</Link>
      </div>
    </main>
  );
}

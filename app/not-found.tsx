import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="centered">
      <div className="card" style={{ maxWidth: 480 }}>
        <h1>404 · Not found</h1>
        <p>This page does not exist, or it belongs to another organisation.</p>
        <Link href="/">Back to the overview</Link>
      </div>
    </main>
  );
}

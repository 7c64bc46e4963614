'use client';

import { useState } from 'react';

/** The collapsible sidebar frame (collapses behind a button on tablets and phones). */
export function Sidebar({ brand, children }: { brand: React.ReactNode; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <aside className={`sidebar${open ? ' open' : ''}`} aria-label="Main navigation">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        {brand}
        <button type="button" className="secondary menu-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
          Menu
        </button>
      </div>
      <div className="nav-wrap">{children}</div>
    </aside>
  );
}

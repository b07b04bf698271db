export default function Home() {
  return (
    <main>
      <h1>Longrun</h1>
      <p>Long-running workflows for Genesys Cloud CX: Architect data actions start them, external systems report back through signed callbacks, and Longrun escalates when they are late.</p>
      <ul>
        <li>Health: <code>GET /api/health</code></li>
        <li>Tokens for data actions: <code>POST /api/oauth/token</code></li>
        <li>Workflows: <code>POST /api/v1/workflows</code></li>
      </ul>
    </main>
  );
}

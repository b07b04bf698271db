/** Shown when the panel is opened without a conversation: how to put it in the Genesys desktop. */
export function InstallHelp({ origin }: { origin: string }) {
  const url = `${origin}/panel?conversationId={{gcConversationId}}&gcHostOrigin={{gcHostOrigin}}&gcTargetEnv={{gcTargetEnv}}&langTag={{gcLangTag}}`;
  return (
    <div className="lr-help">
      <h1>Longrun agent panel</h1>
      <p>This panel shows the live status of Longrun workflows for the conversation an agent is handling. It needs a conversation, so it only works inside the Genesys Cloud agent desktop.</p>
      <h2>Add it to the agent desktop</h2>
      <ol>
        <li>In Genesys Cloud Admin, open <strong>Integrations</strong> and add an <strong>Interaction Widget</strong> (or use the one the Longrun installer created).</li>
        <li>
          In its <strong>Configuration</strong>, set the <strong>Application URL</strong> to:
          <pre><code>{url}</code></pre>
        </li>
        <li>Choose the queues (or groups) whose agents should see it, set <strong>Sandbox</strong> to allow scripts, same origin, forms and popups, and activate the integration.</li>
        <li>Ask your Longrun operator for the panel&apos;s OAuth client (Token Implicit Grant) and make sure <code>{`${origin}/panel`}</code> is among its redirect URIs.</li>
      </ol>
      <p className="lr-muted">Agents then find Longrun in the interaction&apos;s side panel and sign in with their own Genesys account.</p>
    </div>
  );
}

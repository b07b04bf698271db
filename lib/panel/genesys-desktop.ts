// The panel's side of the Genesys desktop, through the Client App SDK
// (purecloud-client-app-sdk 2.6.10; MyPureCloud/client-app-sdk src/modules/):
// toasts (alerting.showToastPopup), the widget's badge (alerting.setAttentionCount,
// "the number of unread messages or notifications") and the lifecycle hooks
// (lifecycle.ts: bootstrap → bootstrapped(), focus, blur, stop → stopped()),
// which Genesys sends only to an app whose advanced configuration opts in —
// the wizard's widget step sets {"lifecycle":{"ephemeral":false,"hooks":{…all true}}}
// (lib/genesys/install-steps.ts widgetAdvancedConfig).
//
// On the wire (src/modules/base.ts, src/utils/comms.ts): the SDK posts
// {action, …payload, protocol: "purecloud-client-apps", protocolAgentName,
// protocolAgentVersion} to window.parent at gcHostOrigin, and accepts from
// the parent at that origin {purecloudEventType: "appLifecycleHook", hook}.
// Only inside the desktop's frame and only when the SDK starts; everywhere
// else (a browser tab, a test) the panel works the same without it.
import type { Toast } from "@/lib/panel/snapshot-changes";

interface ToastAlerting {
  showToastPopup(title: string, message: string, options?: Record<string, unknown>): void;
}

export interface LifecycleHandlers {
  /** The desktop shows the panel again ("Focus is not called on initial show"). */
  onFocus(): void;
  /** The agent left the panel. */
  onBlur(): void;
  /** The desktop is about to remove the panel. */
  onStop(): void;
}

export interface GenesysDesktop {
  show(toast: Toast): void;
  /** Badges the widget; repeated counts are not resent. */
  setAttentionCount(count: number): void;
}

export async function connectDesktop(gcHostOrigin: string | null, gcTargetEnv: string | null, lifecycle: LifecycleHandlers): Promise<GenesysDesktop | null> {
  if (typeof window === "undefined" || window.parent === window || !gcHostOrigin || !gcTargetEnv) return null;
  try {
    const { default: ClientApp } = await import("purecloud-client-app-sdk");
    const app = new ClientApp({ gcHostOrigin, gcTargetEnv });
    const alerting = app.alerting as unknown as ToastAlerting;
    // bootstrap and stop fire once (the SDK's default), focus and blur every time.
    app.lifecycle.addBootstrapListener(() => app.lifecycle.bootstrapped());
    app.lifecycle.addFocusListener(() => lifecycle.onFocus());
    app.lifecycle.addBlurListener(() => lifecycle.onBlur());
    app.lifecycle.addStopListener(() => {
      lifecycle.onStop();
      app.lifecycle.stopped();
    });
    let lastCount: number | null = null;
    return {
      show(toast) {
        try {
          // Errors stay until closed (the SDK requires it), so the agent cannot miss a failure.
          const options = toast.type === "error" ? { id: toast.id, type: "error", timeout: 0, showCloseButton: true, markdownMessage: false } : { id: toast.id, type: toast.type, markdownMessage: false };
          alerting.showToastPopup(toast.title, toast.message, options);
        } catch {
          // The desktop went away or refused; the panel itself still shows the change.
        }
      },
      setAttentionCount(count) {
        if (count === lastCount) return;
        lastCount = count;
        try {
          app.alerting.setAttentionCount(count);
        } catch {
          // As for toasts: the panel shows the "needs you" group itself.
        }
      },
    };
  } catch {
    return null;
  }
}

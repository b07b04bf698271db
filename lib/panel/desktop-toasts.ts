// Toasts in the Genesys desktop through the Client App SDK. Only inside the
// desktop's frame and only when the SDK starts; everywhere else (a browser
// tab, a test) the panel works the same without them.
import type { Toast } from "@/lib/panel/snapshot-changes";

interface Alerting {
  showToastPopup(title: string, message: string, options?: Record<string, unknown>): void;
}

export interface DesktopToasts {
  show(toast: Toast): void;
}

export async function connectDesktop(gcHostOrigin: string | null, gcTargetEnv: string | null): Promise<DesktopToasts | null> {
  if (typeof window === "undefined" || window.parent === window || !gcHostOrigin || !gcTargetEnv) return null;
  try {
    const { default: ClientApp } = await import("purecloud-client-app-sdk");
    const app = new ClientApp({ gcHostOrigin, gcTargetEnv });
    const alerting = app.alerting as unknown as Alerting;
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
    };
  } catch {
    return null;
  }
}

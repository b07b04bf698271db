// JSX types for the Spark custom elements (gux-*) the pages render directly:
// React 19 passes their attributes and properties through, on the server as
// in the browser. Attribute names and values follow genesys-spark-components'
// dist/types/components.d.ts (4.201).
import type { DetailedHTMLProps, HTMLAttributes } from "react";

type Gux<Extra = object> = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> & Extra & { class?: string };

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "gux-badge": Gux<{ accent?: "info" | "success" | "warning" | "error" | "inherit"; bold?: boolean }>;
      "gux-button-slot": Gux<{ accent?: "primary" | "secondary" | "tertiary" | "ghost" | "danger" | "inline"; "icon-only"?: boolean }>;
      "gux-accordion": Gux;
      "gux-accordion-section": Gux<{ open?: boolean; "arrow-position"?: "start" | "end"; "content-layout"?: "text" | "custom" }>;
      "gux-tooltip": Gux<{ for?: string; placement?: string; accent?: "light" | "dark" }>;
      "gux-inline-alert": Gux<{ accent?: "info" | "success" | "warning" | "error" }>;
      "gux-toast": Gux<{ "toast-type"?: "success" | "warning" | "error" | "info" | "action" }>;
      "gux-icon": Gux<{ "icon-name"?: string; decorative?: boolean; "screenreader-text"?: string; size?: string }>;
      "gux-table": Gux<{ compact?: boolean; "object-table"?: boolean; "empty-message"?: string }>;
      "gux-tabs": Gux<{ value?: string; alignment?: "left" | "center" | "fullWidth" }>;
      "gux-tab-list": Gux;
      "gux-tab": Gux<{ "tab-id"?: string; "gux-disabled"?: boolean }>;
      "gux-tab-panel": Gux<{ "tab-id"?: string }>;
      "gux-form-field-text-like": Gux<{ "label-position"?: "above" | "beside" | "screenreader" }>;
      "gux-form-field-select": Gux<{ "label-position"?: "above" | "beside" | "screenreader" }>;
      "gux-form-field-checkbox": Gux;
      "gux-card": Gux<{ accent?: "outline" | "filled" | "raised" | "borderless" }>;
      "gux-truncate": Gux<{ "max-lines"?: number }>;
    }
  }
}

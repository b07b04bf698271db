import type { ReactNode } from "react";
import "./admin.css";

export const metadata = { title: "Longrun admin" };

export default function AdminLayout({ children }: { children: ReactNode }) {
  return <div className="admin-root">{children}</div>;
}

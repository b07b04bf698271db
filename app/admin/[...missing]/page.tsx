import { notFound } from "next/navigation";

// Any /admin/… address no page answers renders app/admin/not-found.tsx, inside the admin shell.
export default function MissingAdminPage(): never {
  notFound();
}

"use client";
// A moment in the admin's own time zone with the zone named ("Dec 2, 2026,
// 3:04:05 PM GMT+1"), and UTC on hover. The server does not know the zone: it
// renders UTC, and the browser re-renders in its own zone once it runs.
import { useEffect, useState } from "react";
import { dateTimeWithZone, utcTitle } from "@/lib/i18n/format";

export function LocalTime({ iso, locale }: { iso: string | null; locale: string }) {
  const [zone, setZone] = useState<string>("UTC");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  if (!iso) return <>—</>;
  return (
    <time dateTime={iso} title={utcTitle(iso)} data-zone={zone}>
      {dateTimeWithZone(iso, { formatLocale: locale, timeZone: zone })}
    </time>
  );
}

/** "Times are in your time zone (Europe/Berlin)…": the server's sentence with \u0000 where the browser's zone goes. */
export function ZoneHint({ template }: { template: string }) {
  const [zone, setZone] = useState<string>("UTC");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  return <p className="muted admin-zone">{template.replace("\u0000", zone)}</p>;
}

/**
 * A date-and-time picker in the admin's own time: the visible field is local,
 * the submitted value (hidden, same name) is the instant in UTC.
 */
export function LocalDateTimeInput({ name, label, value }: { name: string; label: string; value: string | undefined }) {
  const [utc, setUtc] = useState(value ?? "");
  const [local, setLocal] = useState("");
  useEffect(() => {
    if (!value) return;
    const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
    if (Number.isNaN(date.getTime())) return;
    const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
    setLocal(shifted.toISOString().slice(0, 16));
  }, [value]);
  return (
    <label>
      {label}
      <input
        type="datetime-local"
        value={local}
        onChange={(e) => {
          setLocal(e.target.value);
          const date = new Date(e.target.value);
          setUtc(e.target.value && !Number.isNaN(date.getTime()) ? date.toISOString() : "");
        }}
      />
      <input type="hidden" name={name} value={utc} />
    </label>
  );
}

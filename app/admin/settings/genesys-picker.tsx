"use client";
// A Genesys object by name: the org's flows or queues listed from the Platform
// API, with the id field beside it for anything the list does not show.
import type { PickerList } from "@/lib/admin/genesys-pickers";

export interface PickerLabels {
  label: string;
  hint: string;
  none: string;
  /** With \u0000 where the id goes. */
  unknown: string;
  /** With \u0000 where Genesys's reason goes. */
  unavailable: string;
  idLabel: string;
}

export function GenesysPicker({ name, value, onChange, list, labels }: { name: string; value: string; onChange: (id: string) => void; list: PickerList; labels: PickerLabels }) {
  const known = list.ok && list.options.some((o) => o.id === value);
  const hintId = `${name}-hint`;
  return (
    <div className="picker" data-testid={`picker-${name}`}>
      {list.ok ? (
        <label>
          {labels.label}
          <select aria-describedby={hintId} value={known || value === "" ? value : `unknown:${value}`} onChange={(e) => onChange(e.target.value.startsWith("unknown:") ? value : e.target.value)}>
            <option value="">{labels.none}</option>
            {list.options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
            {!known && value !== "" ? <option value={`unknown:${value}`}>{labels.unknown.replace("\u0000", value)}</option> : null}
          </select>
        </label>
      ) : (
        <p className="warning" role="status">{labels.unavailable.replace("\u0000", list.reason)}</p>
      )}
      <label>
        {list.ok ? labels.idLabel : labels.label}
        <input name={name} value={value} onChange={(e) => onChange(e.target.value)} />
      </label>
      <span id={hintId} className="picker-hint">{labels.hint}</span>
    </div>
  );
}

import { Button, IconPlus, IconTrash, SelectField, TextAreaField, TextField } from "../../ui";
import { newSlot, REGEX_MAX } from "./slots";
import type { SlotDraft, SlotKind } from "./slots";

interface Props {
  /** The intent's code (or its position) for labels and test ids. */
  intent: string;
  index: number;
  slots: SlotDraft[];
  onChange: (slots: SlotDraft[]) => void;
}

const KINDS = [
  { value: "values", label: "Values and synonyms" },
  { value: "regex", label: "Pattern (regular expression)" },
];

/** An intent's slots: each recognised by a pattern or from canonical values and synonyms. */
export function SlotsEditor({ intent, index, slots, onChange }: Props) {
  const change = (at: number, patch: Partial<SlotDraft>) => onChange(slots.map((slot, i) => (i === at ? { ...slot, ...patch } : slot)));
  return (
    <fieldset className="stack" data-testid={`intent-slots-${index}`} style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="field-label">Slots</legend>
      {slots.length === 0 ? <p className="muted">No slots: the intent carries no parameters.</p> : null}
      {slots.map((slot, s) => (
        <div key={s} className="card stack" data-testid={`slot-editor-${index}-${s}`}>
          <div className="row" style={{ alignItems: "flex-end" }}>
            <div style={{ width: 200 }}>
              <TextField label="Slot name" value={slot.name} onChange={(e) => change(s, { name: e.target.value })} data-testid={`slot-name-${index}-${s}`} />
            </div>
            <div style={{ width: 260 }}>
              <SelectField
                label="Recognised by"
                value={slot.kind}
                options={KINDS}
                onChange={(e) => change(s, { kind: e.target.value as SlotKind })}
                data-testid={`slot-kind-${index}-${s}`}
              />
            </div>
            <span className="grow" />
            <Button
              variant="ghost"
              icon={<IconTrash />}
              aria-label={`Remove slot ${slot.name || s + 1} of ${intent}`}
              onClick={() => onChange(slots.filter((_, i) => i !== s))}
              data-testid={`slot-remove-${index}-${s}`}
            >
              Remove
            </Button>
          </div>
          {slot.kind === "regex" ? (
            <TextField
              label="Pattern"
              hint="A Python regular expression; its first group (or the whole match) is the value."
              className="mono"
              value={slot.regex}
              maxLength={REGEX_MAX}
              onChange={(e) => change(s, { regex: e.target.value })}
              data-testid={`slot-regex-${index}-${s}`}
            />
          ) : (
            <TextAreaField
              label="Values"
              hint="One value per line, its synonyms after a colon: “debit: bank card, atm card”."
              rows={Math.min(8, Math.max(2, slot.values.split("\n").length + 1))}
              value={slot.values}
              onChange={(e) => change(s, { values: e.target.value })}
              data-testid={`slot-values-${index}-${s}`}
            />
          )}
        </div>
      ))}
      <div>
        <Button size="small" icon={<IconPlus />} onClick={() => onChange([...slots, newSlot()])} data-testid={`slot-add-${index}`}>
          Add a slot
        </Button>
      </div>
    </fieldset>
  );
}

import { useState } from 'react';
import { Alert, Button, Flex } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Layouts, useNotification } from '@strapi/strapi/admin';
import type { Settings, SettingsInput } from '../contract';
import { ContentTypesSection } from './ContentTypesSection';
import { LimitsSection } from './LimitsSection';
import { RestartRequiredSection } from './RestartRequiredSection';
import { SecuritySection } from './SecuritySection';
import { placeServerErrors, toDraft, toInput } from './settings-form';
import type { ContentTypeDraft, FieldErrors, SettingsDraft } from './settings-form';
import type { SaveResult } from './use-settings';

interface SettingsFormProps {
  settings: Settings;
  /** Without `plugin::io.settings.update`: everything read-only and no Save button. */
  canUpdate: boolean;
  save: (input: SettingsInput) => Promise<SaveResult>;
}

/**
 * The editable settings and their Save. A refused save (the browser's own checks or the server's
 * 400) changes nothing on the server and leaves the draft as typed, with each error on its field.
 */
export function SettingsForm({ settings, canUpdate, save }: SettingsFormProps) {
  const { toggleNotification } = useNotification();
  const [draft, setDraft] = useState<SettingsDraft>(() => toDraft(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const readOnly = !canUpdate || saving;

  const refuse = (fields: FieldErrors, other: string[]) => {
    setErrors(fields);
    setOtherErrors(other);
    toggleNotification({ type: 'danger', message: 'Not saved: correct the fields marked in red.' });
  };

  const onSave = async () => {
    const checked = toInput(draft, settings);
    if (!checked.ok) return refuse(checked.errors, []);
    if (Object.keys(checked.input).length === 0) {
      toggleNotification({ type: 'info', message: 'Nothing changed.' });
      return;
    }
    setSaving(true);
    const result = await save(checked.input);
    setSaving(false);
    if (!result.ok) {
      const placed = placeServerErrors(result.errors, checked.input);
      const other = placed.other.length > 0 || Object.keys(placed.fields).length > 0 ? placed.other : [result.message];
      return refuse(placed.fields, other);
    }
    setErrors({});
    setOtherErrors([]);
    setDraft(toDraft(result.settings));
    toggleNotification({ type: 'success', message: 'Saved. Applied without a restart.' });
  };

  const updateContentType = (next: ContentTypeDraft) =>
    setDraft((current) => ({ ...current, contentTypes: current.contentTypes.map((contentType) => (contentType.uid === next.uid ? next : contentType)) }));

  return (
    <>
      <Layouts.Header
        title="Socket.IO"
        subtitle="What the plugin sends and to whom. Saved settings override the config file and apply without a restart."
        primaryAction={
          canUpdate ? (
            <Button startIcon={<Check />} onClick={onSave} loading={saving}>
              Save
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {otherErrors.length > 0 && (
            <Alert variant="danger" title="Not saved" closeLabel="Close" onClose={() => setOtherErrors([])}>
              {otherErrors.join(' ')}
            </Alert>
          )}
          <ContentTypesSection
            contentTypes={draft.contentTypes}
            sources={settings.sources}
            errors={errors}
            disabled={readOnly}
            onChange={updateContentType}
          />
          <SecuritySection
            requireAuthentication={draft.requireAuthentication}
            source={settings.sources['security.requireAuthentication']}
            errors={errors}
            disabled={readOnly}
            onChange={(requireAuthentication) => setDraft((current) => ({ ...current, requireAuthentication }))}
          />
          <LimitsSection
            limits={draft.limits}
            sources={settings.sources}
            errors={errors}
            disabled={readOnly}
            onChange={(key, value) => setDraft((current) => ({ ...current, limits: { ...current.limits, [key]: value } }))}
          />
          <RestartRequiredSection values={settings.restartRequired} />
        </Flex>
      </Layouts.Content>
    </>
  );
}

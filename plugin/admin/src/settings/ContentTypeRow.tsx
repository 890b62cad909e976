import type { ChangeEvent } from 'react';
import { Box, Checkbox, Field, Flex, Td, TextInput, Toggle, Tr, Typography } from '@strapi/design-system';
import { CONTENT_ACTIONS } from '../contract';
import type { ContentAction, Source } from '../contract';
import { contentTypeField } from './settings-form';
import type { ContentTypeDraft, FieldErrors } from './settings-form';
import { SourceBadge } from './SourceBadge';

interface ContentTypeRowProps {
  contentType: ContentTypeDraft;
  source: Source | undefined;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (next: ContentTypeDraft) => void;
}

/** One content type: whether it sends events, which actions, and what its events populate. */
export function ContentTypeRow({ contentType, source, errors, disabled, onChange }: ContentTypeRowProps) {
  const { uid, displayName, enabled, actions, populateText } = contentType;
  const populateError = errors[contentTypeField(uid, 'populate')];
  const actionsError = errors[contentTypeField(uid, 'actions')] ?? errors[contentTypeField(uid, 'enabled')];

  const toggleAction = (action: ContentAction, checked: boolean) =>
    onChange({ ...contentType, actions: checked ? [...actions, action] : actions.filter((other) => other !== action) });

  return (
    <Tr data-uid={uid}>
      <Td>
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <Typography fontWeight="bold">{displayName}</Typography>
          <Typography variant="pi" textColor="neutral600">
            {uid}
          </Typography>
          <SourceBadge source={source} />
        </Flex>
      </Td>
      <Td>
        {/* Room for both labels side by side, as Strapi's own forms show them. */}
        <Box minWidth="14rem">
          <Toggle
            aria-label={`Send events for ${displayName}`}
            onLabel="On"
            offLabel="Off"
            checked={enabled}
            disabled={disabled}
            onChange={(event) => onChange({ ...contentType, enabled: event.currentTarget.checked })}
          />
        </Box>
      </Td>
      <Td>
        <Flex direction="column" alignItems="flex-start" gap={1}>
          <Flex gap={3}>
            {CONTENT_ACTIONS.map((action) => (
              <Checkbox
                key={action}
                name={`${uid}.${action}`}
                checked={actions.includes(action)}
                disabled={disabled || !enabled}
                onCheckedChange={(checked) => toggleAction(action, checked === true)}
              >
                {action}
              </Checkbox>
            ))}
          </Flex>
          {actionsError && (
            <Typography variant="pi" textColor="danger600" role="alert">
              {actionsError}
            </Typography>
          )}
        </Flex>
      </Td>
      <Td>
        <Field.Root name={contentTypeField(uid, 'populate')} error={populateError} hint={populateError ? undefined : 'JSON, e.g. ["category"]; empty for none'}>
          <TextInput
            aria-label={`Populate for ${displayName}`}
            placeholder="none"
            value={populateText}
            disabled={disabled || !enabled}
            onChange={(event: ChangeEvent<HTMLInputElement>) => onChange({ ...contentType, populateText: event.currentTarget.value })}
          />
          <Field.Error />
          <Field.Hint />
        </Field.Root>
      </Td>
    </Tr>
  );
}

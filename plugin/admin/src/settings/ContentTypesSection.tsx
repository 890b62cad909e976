import { Table, Tbody, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Section } from '../components/Section';
import type { Source } from '../contract';
import { ContentTypeRow } from './ContentTypeRow';
import type { ContentTypeDraft, FieldErrors } from './settings-form';
import { SourceBadge } from './SourceBadge';

interface ContentTypesSectionProps {
  contentTypes: ContentTypeDraft[];
  sources: Record<string, Source>;
  errors: FieldErrors;
  disabled: boolean;
  onChange: (next: ContentTypeDraft) => void;
}

const COLUMNS = ['Content type', 'Events', 'Actions', 'Populate'];

export function ContentTypesSection({ contentTypes, sources, errors, disabled, onChange }: ContentTypesSectionProps) {
  return (
    <Section
      title="Content types"
      description="Which types send events, for which actions, and which relations their events populate. Applied at once, without a restart."
      aside={<SourceBadge source={sources.contentTypes} />}
      testId="io-settings-content-types"
    >
      <Table colCount={COLUMNS.length} rowCount={contentTypes.length + 1}>
        <Thead>
          <Tr>
            {COLUMNS.map((column) => (
              <Th key={column}>
                <Typography variant="sigma">{column}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {contentTypes.map((contentType) => (
            <ContentTypeRow key={contentType.uid} contentType={contentType} source={sources[`contentTypes.${contentType.uid}`]} errors={errors} disabled={disabled} onChange={onChange} />
          ))}
        </Tbody>
      </Table>
    </Section>
  );
}

/**
 * The hero image: choose a file, drop one on the image area, or paste one while it has focus;
 * then its alt text, caption, credit, usage terms and the source and full-size links. The image
 * is stored once by its hash (putAsset) and shown here and in the preview from its bytes.
 */
import { useEffect, useRef, useState, type ClipboardEvent, type DragEvent } from 'react';
import { IMAGE_MEDIA_TYPES } from '../shared/model';
import { registerReveal, setActivePart } from './editor/reveal';
import { Field } from './Field';
import { formatBytes } from './format';
import { attachHeroFile, editHero, heroImageUrl, removeHero, useStoryEditor, type HeroLinkField, type HeroTextField } from './story-state';

const TEXT_FIELDS: { field: HeroTextField; label: string; multiline?: boolean; hint?: string }[] = [
  { field: 'alt', label: 'Alt text', hint: 'What the image shows, for readers who cannot see it.' },
  { field: 'caption', label: 'Caption', multiline: true },
  { field: 'credit', label: 'Credit' },
  { field: 'usageTerms', label: 'Usage terms', hint: 'For example: PHOTO NOT FOR SALE' },
];

const LINK_FIELDS: { field: HeroLinkField; label: string }[] = [
  { field: 'sourceUrl', label: 'Source link' },
  { field: 'fullSizeUrl', label: 'Full-size link' },
];

function imageFileOf(items: DataTransferItemList | undefined, files: FileList | undefined): File | undefined {
  const fromFiles = files && files.length > 0 ? files[0] : undefined;
  if (fromFiles) return fromFiles;
  for (const item of items ?? []) {
    if (item.kind === 'file') return item.getAsFile() ?? undefined;
  }
  return undefined;
}

export function HeroEditor() {
  const hero = useStoryEditor((state) => state.story?.hero);
  const problems = useStoryEditor((state) => state.problems);
  const fileInput = useRef<HTMLInputElement>(null);
  const chooseButton = useRef<HTMLButtonElement>(null);
  const section = useRef<HTMLElement>(null);
  const [dragging, setDragging] = useState(false);

  // A finding about the image goes to the field it names; about a missing image, to the chooser.
  useEffect(
    () =>
      registerReveal('hero', (location) => {
        if (location.part !== 'hero') return;
        const field = section.current?.querySelector<HTMLElement>(`[data-hero-field="${location.field}"]`) ?? chooseButton.current;
        field?.scrollIntoView({ block: 'center' });
        field?.focus();
        if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) field.select();
      }),
    [],
  );
  const [busy, setBusy] = useState(false);

  const attach = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    await attachHeroFile(file);
    setBusy(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void attach(imageFileOf(event.dataTransfer.items, event.dataTransfer.files));
  };
  const onPaste = (event: ClipboardEvent) => {
    const file = imageFileOf(event.clipboardData.items, event.clipboardData.files);
    if (!file) return;
    event.preventDefault();
    void attach(file);
  };
  const imageUrl = hero ? heroImageUrl(hero.asset) : undefined;

  return (
    <section className="hero-editor" aria-labelledby="hero-heading" ref={section} onFocusCapture={() => setActivePart({ part: 'hero' })}>
      <h2 id="hero-heading">Hero image</h2>
      <div
        className={dragging ? 'hero-drop dragging' : 'hero-drop'}
        data-hero-field={hero ? 'image' : undefined}
        tabIndex={0}
        role="group"
        aria-label="Hero image: drop an image here, or paste one while this area has focus"
        aria-busy={busy}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        onPaste={onPaste}
      >
        {hero && imageUrl ? (
          <img src={imageUrl} alt={hero.alt} width={hero.asset.width} height={hero.asset.height} />
        ) : (
          <p className="hint">{busy ? 'Storing the image…' : 'No hero image. Drop an image here, paste one, or choose a file.'}</p>
        )}
        {hero ? (
          <p className="hint">
            {hero.asset.width} × {hero.asset.height}, {hero.asset.mediaType.replace('image/', '').toUpperCase()}, {formatBytes(hero.asset.byteLength)}
          </p>
        ) : null}
      </div>
      <div className="hero-buttons">
        <button type="button" ref={chooseButton} disabled={busy} onClick={() => fileInput.current?.click()}>
          {hero ? 'Replace image…' : 'Choose image…'}
        </button>
        <input
          ref={fileInput}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Hero image file"
          accept={IMAGE_MEDIA_TYPES.join(',')}
          onChange={(event) => {
            void attach(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
        {hero ? (
          <button type="button" onClick={() => removeHero()}>
            Remove image
          </button>
        ) : null}
      </div>
      {hero ? (
        <div className="hero-fields">
          {TEXT_FIELDS.map(({ field, label, multiline, hint }) => (
            <Field key={field} label={label} problem={problems[`hero.${field}`]} {...(hint ? { hint } : {})}>
              {(props) =>
                multiline ? (
                  <textarea {...props} data-hero-field={field} rows={2} value={hero[field]} onChange={(event) => editHero(field, event.target.value)} />
                ) : (
                  <input {...props} data-hero-field={field} value={hero[field]} onChange={(event) => editHero(field, event.target.value)} />
                )
              }
            </Field>
          ))}
          {LINK_FIELDS.map(({ field, label }) => (
            <Field key={field} label={label} problem={problems[`hero.${field}`]}>
              {(props) => (
                <input {...props} data-hero-field={field} type="url" inputMode="url" placeholder="https://" value={hero[field] ?? ''} onChange={(event) => editHero(field, event.target.value)} />
              )}
            </Field>
          ))}
        </div>
      ) : null}
    </section>
  );
}

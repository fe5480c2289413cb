import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The text of a PDF as Poppler extracts it (poppler-utils; `npm test` installs it when missing). */
export async function pdfToText(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-pdf-'));
  try {
    await writeFile(join(dir, 'a.pdf'), pdf);
    const { stdout } = await run('pdftotext', ['-layout', join(dir, 'a.pdf'), '-']);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `pdffonts` output: one line per font with its embedded/subset flags. */
export async function pdfFonts(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-pdf-'));
  try {
    await writeFile(join(dir, 'a.pdf'), pdf);
    return (await run('pdffonts', [join(dir, 'a.pdf')])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Renders the pages to PNG files in `outDir` at `dpi` (pdftoppm) and returns their paths — test
 * artifacts to look at.
 */
export async function pdfToPngs(pdf: Buffer, outDir: string, name: string, dpi = 100): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lw-pdf-'));
  try {
    await writeFile(join(dir, 'a.pdf'), pdf);
    await run('pdftoppm', ['-png', '-r', String(dpi), join(dir, 'a.pdf'), join(outDir, name)]);
    return (await readdir(outDir))
      .filter((f) => f.startsWith(name) && f.endsWith('.png'))
      .map((f) => join(outDir, f));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

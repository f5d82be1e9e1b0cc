import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_ATTACHMENTS as PROTOCOL_MAX } from '../../../core/protocol/schemas-attachments.js';
import { fileKind, MAX_MESSAGE_ATTACHMENTS, percentDone, sizeLabel } from './file-labels.js';

it('allows as many files in one message as the protocol', () => {
  expect(MAX_MESSAGE_ATTACHMENTS).toBe(PROTOCOL_MAX);
});

describe('sizeLabel', () => {
  it('says sizes in words a person reads at a glance', () => {
    expect(sizeLabel(0)).toBe('0 bytes');
    expect(sizeLabel(1)).toBe('1 byte');
    expect(sizeLabel(1023)).toBe('1023 bytes');
    expect(sizeLabel(1024)).toBe('1 KB');
    expect(sizeLabel(12_800)).toBe('12.5 KB');
    expect(sizeLabel(20 * 1024 * 1024)).toBe('20 MB');
    expect(sizeLabel(150 * 1024 * 1024)).toBe('150 MB');
    expect(sizeLabel(1.25 * 1024 ** 3)).toBe('1.3 GB');
  });
});

describe('fileKind', () => {
  it('reads the class of the claimed type, case and parameters aside', () => {
    expect(fileKind('image/png')).toBe('image');
    expect(fileKind('Image/SVG+XML')).toBe('image');
    expect(fileKind('application/pdf')).toBe('pdf');
    expect(fileKind('text/plain; charset=utf-8')).toBe('text');
    expect(fileKind('video/mp4')).toBe('video');
    expect(fileKind('audio/ogg')).toBe('audio');
    expect(fileKind('application/zip')).toBe('archive');
    expect(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).toBe('document');
    expect(fileKind('application/octet-stream')).toBe('file');
    expect(fileKind('')).toBe('file');
  });
});

describe('percentDone', () => {
  it('is a whole percentage within 0 to 100, an empty transfer done', () => {
    expect(percentDone(0, 200)).toBe(0);
    expect(percentDone(199, 200)).toBe(99);
    expect(percentDone(300, 200)).toBe(100);
    expect(percentDone(0, 0)).toBe(100);
  });
});

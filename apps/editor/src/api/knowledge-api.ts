import { z } from 'zod';
import {
  AddDocumentResult,
  KnowledgeBase,
  KnowledgeDocument,
  KnowledgeQueryResult,
  type KnowledgeContentType,
} from '@flowcraft/schema';
import { request } from './http.js';

export { KnowledgeBase, KnowledgeDocument, KnowledgeQueryResult };

const enc = encodeURIComponent;
const BaseList = z.object({ items: z.array(KnowledgeBase) });
const BaseDetail = z.object({ base: KnowledgeBase, documents: z.array(KnowledgeDocument) });

export function listKnowledgeBases(signal?: AbortSignal) {
  return request('/v1/knowledge', BaseList, signal ? { signal } : {});
}

export function createKnowledgeBase(body: {
  name: string;
  embeddingModel: string;
  chunkSize: number;
  chunkOverlap: number;
}) {
  return request('/v1/knowledge', KnowledgeBase, { method: 'POST', body });
}

export function getKnowledgeBase(id: string, signal?: AbortSignal) {
  return request(`/v1/knowledge/${enc(id)}`, BaseDetail, signal ? { signal } : {});
}

export function deleteKnowledgeBase(id: string) {
  return request(`/v1/knowledge/${enc(id)}`, z.undefined(), { method: 'DELETE' });
}

export function addKnowledgeDocument(
  id: string,
  doc: { source: string; content: string; contentType?: KnowledgeContentType },
) {
  return request(`/v1/knowledge/${enc(id)}/documents`, AddDocumentResult, { method: 'POST', body: doc });
}

export function deleteKnowledgeDocument(id: string, docId: string) {
  return request(`/v1/knowledge/${enc(id)}/documents/${enc(docId)}`, z.undefined(), { method: 'DELETE' });
}

export function queryKnowledgeBase(id: string, body: { query: string; topK: number; threshold?: number }) {
  return request(`/v1/knowledge/${enc(id)}/query`, KnowledgeQueryResult, { method: 'POST', body });
}

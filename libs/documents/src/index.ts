export * from './pdf-report';
export * from './document-store';

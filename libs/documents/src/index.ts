export * from './pdf-report';

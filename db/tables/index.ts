export * from './content.js'
export * from './releases.js'
export * from './audit.js'
export * from './sources.js'

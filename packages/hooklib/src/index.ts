export * from './protocol'
export * from './errors'
export * from './create-options'
export * from './service-alias'

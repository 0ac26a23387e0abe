/** IRIs used by the engine. Kept as plain strings so comparisons are cheap. */
export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

export const xsd = {
  string: `${XSD}string`,
  boolean: `${XSD}boolean`,
  integer: `${XSD}integer`,
  decimal: `${XSD}decimal`,
  float: `${XSD}float`,
  double: `${XSD}double`,
  dateTime: `${XSD}dateTime`,
  date: `${XSD}date`,
  time: `${XSD}time`,
  dayTimeDuration: `${XSD}dayTimeDuration`,
  nonPositiveInteger: `${XSD}nonPositiveInteger`,
  negativeInteger: `${XSD}negativeInteger`,
  long: `${XSD}long`,
  int: `${XSD}int`,
  short: `${XSD}short`,
  byte: `${XSD}byte`,
  nonNegativeInteger: `${XSD}nonNegativeInteger`,
  unsignedLong: `${XSD}unsignedLong`,
  unsignedInt: `${XSD}unsignedInt`,
  unsignedShort: `${XSD}unsignedShort`,
  unsignedByte: `${XSD}unsignedByte`,
  positiveInteger: `${XSD}positiveInteger`,
} as const;

export const rdf = {
  type: `${RDF}type`,
  langString: `${RDF}langString`,
  first: `${RDF}first`,
  rest: `${RDF}rest`,
  nil: `${RDF}nil`,
} as const;

/** Datatypes derived from xsd:integer: they behave as integers in arithmetic. */
export const INTEGER_DERIVED = new Set<string>([
  xsd.integer,
  xsd.nonPositiveInteger,
  xsd.negativeInteger,
  xsd.long,
  xsd.int,
  xsd.short,
  xsd.byte,
  xsd.nonNegativeInteger,
  xsd.unsignedLong,
  xsd.unsignedInt,
  xsd.unsignedShort,
  xsd.unsignedByte,
  xsd.positiveInteger,
]);

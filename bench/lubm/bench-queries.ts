import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A named SPARQL SELECT query of the benchmark. */
export interface BenchQuery {
  name: string;
  text: string;
}

const PREFIXES = `PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://www.lehigh.edu/~zhp2/2004/0401/univ-bench.owl#>
`;

/** Our own queries, one per access pattern the LUBM set leaves out or covers thinly. */
export const OWN_QUERIES: BenchQuery[] = [
  {
    name: 'star-professor',
    text: `${PREFIXES}SELECT ?x ?name ?email ?phone ?degree WHERE {
  ?x rdf:type ub:FullProfessor ;
     ub:worksFor <http://www.Department0.University0.edu> ;
     ub:name ?name ;
     ub:emailAddress ?email ;
     ub:telephone ?phone ;
     ub:doctoralDegreeFrom ?degree .
}`,
  },
  {
    name: 'path-advisor-university',
    text: `${PREFIXES}SELECT ?student ?advisor ?department ?university WHERE {
  ?student ub:advisor ?advisor .
  ?advisor ub:worksFor ?department .
  ?department ub:subOrganizationOf ?university .
}`,
  },
  {
    name: 'optional-advisor',
    text: `${PREFIXES}SELECT ?student ?advisor ?advisorName WHERE {
  ?student rdf:type ub:GraduateStudent .
  OPTIONAL { ?student ub:advisor ?advisor . ?advisor ub:name ?advisorName }
}`,
  },
  {
    name: 'filter-strings',
    text: `${PREFIXES}SELECT ?x ?email WHERE {
  ?x ub:emailAddress ?email .
  FILTER(STRSTARTS(?email, "Undergraduate") && CONTAINS(?email, "@Department1.") && REGEX(?email, "Student[0-9]*7@"))
}`,
  },
  {
    name: 'group-order-limit',
    text: `${PREFIXES}SELECT ?course (COUNT(?student) AS ?students) WHERE {
  ?student ub:takesCourse ?course .
} GROUP BY ?course ORDER BY DESC(?students) ?course LIMIT 10`,
  },
  {
    name: 'lookup-by-object',
    text: `SELECT ?s ?p WHERE { ?s ?p <http://www.Department0.University0.edu/AssociateProfessor3> }`,
  },
];

/** q1 … q14 from the directory, in numeric order. */
export function readLubmQueries(dir: string): BenchQuery[] {
  const files = readdirSync(dir).filter((f) => /^q\d+\.rq$/.test(f));
  files.sort((a, b) => Number(a.slice(1, -3)) - Number(b.slice(1, -3)));
  return files.map((f) => ({ name: f.slice(0, -3), text: readFileSync(join(dir, f), 'utf8') }));
}

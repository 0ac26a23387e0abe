/**
 * Declarative, validated configuration from environment variables. Every service declares its
 * settings once; `loadConfig` reads them all and reports every problem at once, naming the
 * variable, so an operator fixes a bad deployment in one round.
 */
export type SettingKind = 'string' | 'int' | 'port' | 'url' | 'bool' | 'enum' | 'list';

interface SettingBase<K extends SettingKind> {
  env: string;
  kind: K;
  description: string;
  required?: boolean;
}

export interface StringSetting extends SettingBase<'string'> {
  default?: string;
  pattern?: RegExp;
}
export interface IntSetting extends SettingBase<'int'> {
  default?: number;
  min?: number;
  max?: number;
}
export interface PortSetting extends SettingBase<'port'> {
  default?: number;
}
export interface UrlSetting extends SettingBase<'url'> {
  default?: string;
  protocols: readonly string[];
}
export interface BoolSetting extends SettingBase<'bool'> {
  default?: boolean;
}
export interface EnumSetting<V extends string = string> extends SettingBase<'enum'> {
  default?: V;
  values: readonly V[];
}
export interface ListSetting extends SettingBase<'list'> {
  default?: string[];
  /** Every item must match. */
  itemPattern?: RegExp;
}

export type Setting =
  | StringSetting
  | IntSetting
  | PortSetting
  | UrlSetting
  | BoolSetting
  | EnumSetting
  | ListSetting;

type ValueOf<S extends Setting> = S extends IntSetting | PortSetting
  ? number
  : S extends BoolSetting
    ? boolean
    : S extends EnumSetting<infer V>
      ? V
      : S extends ListSetting
        ? string[]
        : string;

type IsOptional<S extends Setting> = S extends { required: true } ? false : S extends { default: unknown } ? false : true;

export type ConfigOf<T extends Record<string, Setting>> = {
  [K in keyof T]: IsOptional<T[K]> extends true ? ValueOf<T[K]> | undefined : ValueOf<T[K]>;
};

// Column layouts of the editor's tables and the empty rows they add.
import type { AttachedDocument, Container, ElectronicAttachment, GoodsLine } from './bindings';

export type Collection = 'lines' | 'containers' | 'documents' | 'edocs';

export interface Column {
  key: string;
  kind?: 'text' | 'code' | 'check';
  list?: string;
  width: number;
  numeric?: boolean;
}

export const LINE_COLUMNS: Column[] = [
  { key: 'commodity_code', width: 110 },
  { key: 'name', width: 160 },
  { key: 'part_number', width: 110 },
  { key: 'elements', width: 220 },
  { key: 'quantity', width: 90, numeric: true },
  { key: 'unit', kind: 'code', list: 'unit', width: 130 },
  { key: 'unit_price', width: 90, numeric: true },
  { key: 'total_price', width: 100, numeric: true },
  { key: 'currency', kind: 'code', list: 'currency', width: 130 },
  { key: 'first_quantity', width: 90, numeric: true },
  { key: 'first_unit', kind: 'code', list: 'unit', width: 130 },
  { key: 'second_quantity', width: 90, numeric: true },
  { key: 'second_unit', kind: 'code', list: 'unit', width: 130 },
  { key: 'origin_country', kind: 'code', list: 'country', width: 140 },
  { key: 'destination_country', kind: 'code', list: 'country', width: 140 },
  { key: 'district_code', kind: 'code', list: 'district', width: 150 },
  { key: 'duty_mode', kind: 'code', list: 'duty_mode', width: 140 },
];

export const CONTAINER_COLUMNS: Column[] = [
  { key: 'number', width: 140 },
  { key: 'size_type', width: 80 },
  { key: 'line_refs', width: 120 },
  { key: 'part_load', kind: 'check', width: 50 },
  { key: 'weight', width: 100, numeric: true },
];

export const DOCUMENT_COLUMNS: Column[] = [
  { key: 'code', kind: 'code', list: 'document', width: 220 },
  { key: 'cert_no', width: 220 },
];

export const EDOC_COLUMNS: Column[] = [
  { key: 'code', width: 120 },
  { key: 'file_name', width: 260 },
  { key: 'size', width: 110, numeric: true },
];

export function newLine(): GoodsLine {
  return {
    commodity_code: '',
    name: '',
    elements: '',
    quantity: '',
    unit: '',
    first_quantity: '',
    first_unit: '',
    second_quantity: '',
    second_unit: '',
    unit_price: '',
    total_price: '',
    currency: '',
    origin_country: '',
    destination_country: '',
    district_code: '',
    duty_mode: '',
    part_number: '',
  };
}

export function newContainer(): Container {
  return { number: '', size_type: '', line_refs: '', part_load: false, weight: '' };
}

export function newDocument(): AttachedDocument {
  return { code: '', cert_no: '' };
}

export function newEdoc(): ElectronicAttachment {
  return { code: '', file_name: '', size: '' };
}

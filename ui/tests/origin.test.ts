import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import OriginEditor from '../src/lib/components/OriginEditor.svelte';
import VerifyScreen from '../src/lib/components/VerifyScreen.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import zhCN from '../src/lib/i18n/zh-CN';
import en from '../src/lib/i18n/en';
import { ORIGIN_STATUSES } from '../src/lib/bindings';
import type { OriginApplication, OriginMeta, OriginView, Problem, VerifyResult } from '../src/lib/bindings';

function application(): OriginApplication {
  return {
    form: 'E',
    client_seq_no: 'PD06H1T7P0W8V7MECE',
    source_declaration: null,
    exporter: { name: 'DALIAN NORTHERN STEEL', address: 'DALIAN', country: 'CHN', credit_code: '91210200MA0QC4L18M' },
    consignee: { name: 'HANOI STEEL', address: 'HANOI', country: 'VNM' },
    producer: { name: '', address: '', country: '' },
    transport: {
      means: '2',
      route: '',
      departure_date: '20261105',
      vessel: 'XIN DA LIAN V.026E',
      port_of_loading: '210200',
      port_of_discharge: 'VNM000',
    },
    importing_country: 'VNM',
    marks: 'N/M',
    items: [
      {
        item_no: '1',
        marks: '',
        package_count: '5',
        package_kind: '99',
        description: '热轧卷板',
        hs_code: '720839',
        origin_criterion: 'PE',
        quantity: '25.5',
        unit: '070',
        gross_weight: '',
        fob_value: '16575.00',
        currency: 'USD',
        country_of_origin: '',
      },
    ],
    invoices: [{ number: 'HSJ2026117', date: '20261102' }],
    declaration_place: 'DALIAN, CHINA',
    declaration_date: '20261106',
    remarks: '',
    flags: { issued_retroactively: false, exhibition: false, movement_certificate: false, third_party_invoicing: false },
  };
}

function meta(revision: number, errors: number): OriginMeta {
  return {
    id: 'a1',
    client_seq_no: 'PD06H1T7P0W8V7MECE',
    form: 'E',
    title: 'HANOI STEEL',
    status: errors ? 'draft' : 'ready',
    revision,
    error_count: errors,
    warning_count: 0,
    source_declaration: null,
    seq_no: null,
    certificate_number: null,
    created_at: '2026-11-27T02:00:00Z',
    updated_at: '2026-11-27T02:00:00Z',
  };
}

const ASCII: Problem = {
  rule: 'COO-ASCII',
  severity: 'error',
  field: 'items[0].description',
  message_zh: '第7栏 货物描述（第1项）不得含中文字符“热”',
  message_en: 'Box 7 goods description (item 1) must not contain the Chinese character "热"',
};

describe('origin application editor', () => {
  it('shows precheck problems beside their box, autosaves edits and previews them', async () => {
    setLocale('en');
    const saves: OriginApplication[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'origin_get') {
        const view: OriginView = { meta: meta(1, 1), application: application(), problems: [ASCII], certificate: null };
        return view;
      }
      if (cmd === 'origin_save') {
        const app = (args as { application: OriginApplication }).application;
        saves.push(app);
        return { meta: meta(2, 0), problems: [] };
      }
      if (cmd === 'code_lists') return [];
      throw { code: 'internal', message: cmd, field: null };
    });
    const { container } = render(OriginEditor, { props: { id: 'a1', onback: () => {}, autosaveDelay: 20 } });
    await waitFor(() =>
      expect(container.querySelector('[data-problem-for="items[0].description"]')?.getAttribute('data-rule')).toBe(
        'COO-ASCII',
      ),
    );

    const description = container.querySelector<HTMLTextAreaElement>('[data-field="items[0].description"]')!;
    await fireEvent.input(description, { target: { value: 'HOT ROLLED STEEL COILS ***' } });
    await waitFor(() => expect(saves.length).toBe(1));
    expect(saves[0].items[0].description).toBe('HOT ROLLED STEEL COILS ***');
    await waitFor(() => expect(container.querySelector('[data-problem-for="items[0].description"]')).toBeNull());
    // The live preview shows box 7 with the new text.
    expect(screen.getByTestId('origin-preview').textContent).toContain('HOT ROLLED STEEL COILS ***');
  });
});

describe('origin application editor, required boxes', () => {
  it('shows an empty required box as to fill until it is left empty', async () => {
    setLocale('zh-CN');
    const required: Problem = {
      rule: 'COO-REQ',
      severity: 'error',
      field: 'consignee.address',
      message_zh: '请填写收货人地址',
      message_en: 'Consignee address is required',
    };
    mockIPC((cmd) => {
      if (cmd === 'origin_get') {
        const view: OriginView = { meta: meta(1, 1), application: application(), problems: [required], certificate: null };
        return view;
      }
      if (cmd === 'code_lists') return [];
      throw { code: 'internal', message: cmd, field: null };
    });
    const { container } = render(OriginEditor, { props: { id: 'a1', onback: () => {}, autosaveDelay: 20 } });
    await waitFor(() => expect(container.querySelector('[data-to-fill-for="consignee.address"]')).toBeTruthy());
    const box = container.querySelector<HTMLTextAreaElement>('[data-field="consignee.address"]')!;
    expect(box.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('error-count').textContent).toBe('0');
    expect(screen.getByTestId('to-fill-count').textContent).toBe('1');
    box.focus();
    await fireEvent.blur(box);
    await waitFor(() => expect(box.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByTestId('error-count').textContent).toBe('1');
  });
});

describe('verify screen', () => {
  it('shows the certified claims of a valid code and the reason of an invalid one', async () => {
    setLocale('en');
    const valid: VerifyResult = {
      valid: true,
      code: null,
      message: null,
      certificate_number: 'E262102300010001',
      form: 'E',
      invoice_number: 'HSJ2026117',
      invoice_date: '2026-11-02',
      exporter_credit_code: '91210200MA0QC4L18M',
      importing_country: 'VNM',
      issue_date: '2026-11-27',
      expiry_date: '2027-11-26',
      key_id: 'kid',
      certified: null,
    };
    mockIPC((cmd, args) => {
      if (cmd !== 'origin_verify') throw { code: 'internal', message: cmd, field: null };
      const input = (args as { input: string }).input;
      if (input === 'PDC1:GOOD') return valid;
      return { ...valid, valid: false, code: 'bad_signature', message: 'the signature does not verify', certificate_number: null };
    });
    render(VerifyScreen);
    const box = screen.getByTestId('verify-input');
    await fireEvent.input(box, { target: { value: 'PDC1:GOOD' } });
    await fireEvent.click(screen.getByTestId('verify-submit'));
    expect((await screen.findByTestId('verify-number')).textContent).toBe('E262102300010001');
    expect(screen.getByTestId('verify-result').getAttribute('data-valid')).toBe('true');

    await fireEvent.input(box, { target: { value: 'PDC1:BAD' } });
    await fireEvent.click(screen.getByTestId('verify-submit'));
    const reason = await screen.findByTestId('verify-reason');
    expect(reason.getAttribute('data-code')).toBe('bad_signature');
    expect(reason.textContent).toContain('signature does not verify');
  });

  it('has a label for every application status in both languages', () => {
    for (const s of ORIGIN_STATUSES) {
      expect(Object.keys(zhCN)).toContain(`origin.status.${s}`);
      expect(Object.keys(en)).toContain(`origin.status.${s}`);
    }
  });
});

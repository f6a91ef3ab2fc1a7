import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import TaxPanel from '../src/lib/components/TaxPanel.svelte';
import GuaranteesPage from '../src/lib/components/GuaranteesPage.svelte';
import PortFees from '../src/lib/components/PortFees.svelte';
import { setLocale } from '../src/lib/i18n/index.svelte';
import { movesReference, resetReferenceForTests } from '../src/lib/reference.svelte';
import type {
  ChoiceAvailability,
  Declaration,
  DutyPayment,
  GuaranteeRow,
  GuaranteesView,
  Problem,
  TaxPanelView,
  TaxPaymentChoice,
} from '../src/lib/bindings';

const NONE: TaxPaymentChoice = {
  assessment: 'customs',
  electronic_payment: false,
  summary_tax: false,
  paperless_tax_bill: false,
  release_on_guarantee: false,
  deferral: 'none',
  guarantee_no: '',
};

function row(number: string, left: string, warnings: Problem[] = []): GuaranteeRow {
  return {
    guarantee: {
      kind: 'bank_letter',
      scope: 'general',
      issuer: '中国银行大连分行',
      issuer_group: '',
      number,
      amount: '5000000.00',
      currency: 'CNY',
      valid_from: '20260101',
      valid_to: '20271231',
      customs_area: '0900',
      quota_used: (5000000 - Number(left)).toFixed(2),
      quota_left: left,
    },
    warnings,
  };
}

const GUARANTEES: GuaranteesView = {
  items: [
    row('BG-LIVE', '3750000.00'),
    row('BG-EMPTY', '0.00', [
      {
        rule: 'TAX-GUARANTEE-LOW',
        field: 'guarantee.quota_left',
        severity: 'warning',
        message_zh: '担保BG-EMPTY余额不足10%',
        message_en: 'Guarantee BG-EMPTY has less than 10% left',
      },
    ]),
  ],
  fetched_at: '2026-11-27T02:00:00Z',
  account: 'http://x|2102961234|op01',
};

function option(choice: ChoiceAvailability['choice'], allowed: boolean, zh: string): ChoiceAvailability {
  return { choice, allowed, reason_zh: zh, reason_en: zh };
}

function panel(choice: TaxPaymentChoice, problems: Problem[] = []): TaxPanelView {
  return {
    choice,
    options: [
      option('summary_tax', true, '可使用担保BG-LIVE'),
      option('deferred_payment', false, '须先备案一份有效担保'),
      option('instalment_payment', true, '可使用担保BG-LIVE'),
      option('electronic_payment', false, '须先与银行、海关签订三方协议'),
      option('bank_letter', true, '可使用担保BG-LIVE'),
    ],
    problems,
    document_type: choice.summary_tax ? 'CL0   ' : '  0   ',
    guarantees: GUARANTEES,
    reference_missing: false,
  };
}

/** Not released (or not summary tax): no pay action. */
const UNRELEASED: DutyPayment = {
  summary_tax: false,
  seq_no: null,
  payable: false,
  amount_paid: null,
  quota_restored: null,
  guarantee_no: null,
  paid_at: null,
};

function declaration(): Declaration {
  return {
    head: { declaring_customs: '0900', document_type: '  0', guarantee_release: false, entry_exit_port: '210200' },
    filing_mode: 'one_step',
    containers: [{ number: 'TGHU1234567', size_type: '22G1', line_refs: '1', part_load: false, weight: '2200' }],
  } as unknown as Declaration;
}

describe('tax panel', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    resetReferenceForTests();
  });

  it('greys out closed options with the reason, saves a choice and shows problems beside the picker', async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    const quota: Problem = {
      rule: 'TAX-GUARANTEE-QUOTA',
      field: 'tax_payment.guarantee_no',
      severity: 'error',
      message_zh: '担保BG-EMPTY额度已用完',
      message_en: 'Guarantee BG-EMPTY has no quota left',
    };
    mockIPC((cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      if (cmd === 'tax_panel') return panel(NONE);
      if (cmd === 'set_tax_choice') {
        const choice = (args as { choice: TaxPaymentChoice }).choice;
        return panel(choice, choice.guarantee_no === 'BG-EMPTY' ? [quota] : []);
      }
      if (cmd === 'check_tax') return [];
      if (cmd === 'duty_payment') return UNRELEASED;
      throw { code: 'internal', message: cmd, field: null };
    });
    render(TaxPanel, { props: { id: 'd1', declaration: declaration() } });

    const deferred = await screen.findByTestId('tax-arrangement-deferred');
    expect((deferred as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('tax-reason-deferred').textContent).toContain('不可选：须先备案一份有效担保');
    expect((screen.getByTestId('tax-extra-electronic_payment') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('tax-reason-summary_tax').textContent).toContain('可使用担保BG-LIVE');

    await fireEvent.click(screen.getByTestId('tax-arrangement-summary_tax'));
    await waitFor(() => expect(screen.getByTestId('tax-document-type').textContent).toContain('CL0'));
    const saved = calls.filter((c) => c.cmd === 'set_tax_choice');
    expect((saved[0].args.choice as TaxPaymentChoice).summary_tax).toBe(true);
    expect(saved[0].args.id).toBe('d1');

    // The exhausted guarantee is listed but cannot be picked; its quota shows.
    const select = screen.getByTestId('tax-guarantee') as HTMLSelectElement;
    const empty = [...select.options].find((o) => o.value === 'BG-EMPTY')!;
    expect(empty.disabled).toBe(true);
    expect(empty.textContent).toContain('额度已用完');
    const live = [...select.options].find((o) => o.value === 'BG-LIVE')!;
    expect(live.disabled).toBe(false);
    expect(live.textContent).toContain('剩余额度 3750000.00 元');

    // A problem from the rules sits beside the picker with its rule.
    await fireEvent.change(select, { target: { value: 'BG-EMPTY' } });
    await waitFor(() =>
      expect(
        document.querySelector('[data-problem-for="tax_payment.guarantee_no"][data-rule="TAX-GUARANTEE-QUOTA"]'),
      ).toBeTruthy(),
    );
  });

  it('says when nothing was synced yet', async () => {
    mockIPC((cmd) => {
      if (cmd === 'tax_panel') return { ...panel(NONE), options: [], reference_missing: true };
      if (cmd === 'check_tax') return [];
      if (cmd === 'duty_payment') return UNRELEASED;
      throw { code: 'internal', message: cmd, field: null };
    });
    render(TaxPanel, { props: { id: 'd1', declaration: declaration() } });
    expect(await screen.findByTestId('tax-reference-missing')).toBeTruthy();
    expect(screen.queryByTestId('tax-pay')).toBeNull();
  });

  it('offers to pay a released summary-tax declaration and then shows the payment', async () => {
    const calls: string[] = [];
    const summary = { ...NONE, summary_tax: true, guarantee_no: 'BG-LIVE' };
    mockIPC((cmd, args) => {
      calls.push(cmd);
      if (cmd === 'tax_panel') return panel(summary);
      if (cmd === 'check_tax') return [];
      if (cmd === 'duty_payment') return { ...UNRELEASED, summary_tax: true, seq_no: 'S1', payable: true };
      if (cmd === 'pay_duties') {
        expect((args as { id: string }).id).toBe('d1');
        return {
          summary_tax: true,
          seq_no: 'S1',
          payable: false,
          amount_paid: '24003.99',
          quota_restored: '24003.99',
          guarantee_no: 'BG-LIVE',
          paid_at: '2026-11-27T03:00:00Z',
        } satisfies DutyPayment;
      }
      throw { code: 'internal', message: cmd, field: null };
    });
    render(TaxPanel, { props: { id: 'd1', declaration: declaration() } });
    const pay = await screen.findByTestId('tax-pay');
    expect(pay.textContent).toContain('缴纳税款');
    expect(screen.getByTestId('tax-duties').textContent).toContain('S1');
    await fireEvent.click(pay);
    const paid = await screen.findByTestId('tax-paid');
    expect(paid.textContent).toContain('24003.99');
    expect(paid.textContent).toContain('BG-LIVE');
    expect(screen.queryByTestId('tax-pay')).toBeNull();
    expect(calls.filter((c) => c === 'pay_duties')).toHaveLength(1);
  });

  it('shows a refused payment as a translated error', async () => {
    mockIPC((cmd) => {
      if (cmd === 'tax_panel') return panel({ ...NONE, summary_tax: true });
      if (cmd === 'check_tax') return [];
      if (cmd === 'duty_payment') return { ...UNRELEASED, summary_tax: true, seq_no: 'S1', payable: true };
      if (cmd === 'pay_duties') throw { code: 'nothing_to_pay', message: 'no', field: null };
      throw { code: 'internal', message: cmd, field: null };
    });
    render(TaxPanel, { props: { id: 'd1', declaration: declaration() } });
    await fireEvent.click(await screen.findByTestId('tax-pay'));
    expect((await screen.findByRole('alert')).textContent).toContain('无需缴纳');
  });
});

describe('guarantees page', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    resetReferenceForTests();
  });

  it('lists each guarantee with its quota left and warnings', async () => {
    mockIPC((cmd) => {
      if (cmd === 'guarantees') return GUARANTEES;
      if (cmd === 'enterprise_profile') {
        return {
          customs_code: '2102961234',
          scc: '91210200MA0Y8K3T7X',
          name_zh: '大连海辰国际物流有限公司',
          name_en: 'Dalian Haichen',
          rating: 'advanced_certified',
          customs_area: '0900',
          group: null,
          has_tripartite_agreement: true,
          fetched_at: '2026-11-27T02:00:00Z',
        };
      }
      throw { code: 'internal', message: cmd, field: null };
    });
    render(GuaranteesPage);
    const rows = await screen.findAllByTestId('guarantee-row');
    expect(rows.map((r) => r.getAttribute('data-number'))).toEqual(['BG-LIVE', 'BG-EMPTY']);
    expect(rows[0].querySelector('[data-testid="quota-left"]')!.textContent).toBe('3750000.00');
    expect(rows[1].querySelector('[data-rule="TAX-GUARANTEE-LOW"]')).toBeTruthy();
    expect(screen.getByTestId('enterprise-rating').textContent).toBe('高级认证企业');
    expect(screen.getByTestId('guarantees-age').textContent).toContain('更新于');
  });
});

describe('port fees', () => {
  beforeEach(() => {
    setLocale('zh-CN');
    resetReferenceForTests();
  });

  it('estimates for the declaration’s port and containers', async () => {
    const asked: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === 'port_fee_estimate') {
        asked.push(args as Record<string, unknown>);
        return {
          port_code: '210200',
          boxes_20: 1,
          boxes_40: 0,
          storage_days: 0,
          lines: [],
          not_estimated: [],
          total: '690.00',
          currency: 'CNY',
        };
      }
      throw { code: 'internal', message: cmd, field: null };
    });
    render(PortFees, { props: { declaration: declaration() } });
    await waitFor(() => expect(screen.getByTestId('estimate-total').textContent).toContain('690.00'));
    expect(asked[0]).toMatchObject({ portCode: '210200', boxes20: 1, boxes40: 0, storageDays: 0 });
  });
});

describe('refresh points', () => {
  it('refreshes on a release receipt only', () => {
    const receipt = (code: string) =>
      ({ kind: 'receipt', client_seq_no: 'c', draft_id: null, seq_no: 's', code }) as const;
    expect(movesReference(receipt('P'))).toBe(true);
    expect(movesReference(receipt('L'))).toBe(false);
    expect(movesReference({ kind: 'state', state: 'online' })).toBe(false);
  });
});

// The base of brandhub's elements: light DOM (styled by the page's or the widget's shadow
// root's stylesheet) and a re-render whenever the locale changes.
import { LitElement } from 'lit';
import { LOCALE_EVENT } from '../i18n';

export class BhElement extends LitElement {
  private readonly relocalise = () => this.requestUpdate();

  protected createRenderRoot(): HTMLElement {
    return this;
  }

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(LOCALE_EVENT, this.relocalise);
  }

  disconnectedCallback(): void {
    window.removeEventListener(LOCALE_EVENT, this.relocalise);
    super.disconnectedCallback();
  }

  /** Dispatch a bubbling, composed event (crosses the widget's shadow root). */
  protected emit<T>(name: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

/** Define an element once (the app and the widget may both bundle it). */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

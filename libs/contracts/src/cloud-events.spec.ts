import {
  cloudEventType,
  storefrontCloudEventType,
  storefrontEventTypeOfCloudEventType,
} from './cloud-events';

describe('CloudEvents types', () => {
  it('names types reverse-DNS under io.recsys, with the major version', () => {
    expect(cloudEventType('dead_letter')).toBe('io.recsys.dead_letter.v1');
    expect(storefrontCloudEventType('page_view')).toBe('io.recsys.event.page_view.v1');
  });

  it('reads the storefront event type from the new and the old (bare) ce_type', () => {
    expect(storefrontEventTypeOfCloudEventType('io.recsys.event.add_to_cart.v1')).toBe(
      'add_to_cart',
    );
    expect(storefrontEventTypeOfCloudEventType('io.recsys.event.add_to_cart.v2')).toBe(
      'add_to_cart',
    );
    expect(storefrontEventTypeOfCloudEventType('page_view')).toBe('page_view');
  });

  it('reads nothing from other contracts’ types or garbage', () => {
    expect(storefrontEventTypeOfCloudEventType('io.recsys.dead_letter.v1')).toBeUndefined();
    expect(storefrontEventTypeOfCloudEventType('com.example.event.page_view.v1')).toBeUndefined();
    expect(storefrontEventTypeOfCloudEventType('Bad Type!')).toBeUndefined();
    expect(storefrontEventTypeOfCloudEventType(undefined)).toBeUndefined();
  });
});

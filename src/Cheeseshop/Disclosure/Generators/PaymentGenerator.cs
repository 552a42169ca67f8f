using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>7. payment: Cheeseshop has no paid services, so there is nothing to search; the statement says so.</summary>
public sealed class PaymentGenerator : ICategoryGenerator
{
    public string Key => Core.Disclosure.Categories.Payment;

    public Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct) =>
        Task.FromResult(new CategoryOutcome(false, CategoryStatements.NoPayment));
}

using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Inventory.Api.Money;

/// <summary>The routes of money: the dated settings (taxes, deposits, prices stated taxes included) and the months' statements.</summary>
public static class MoneyApi
{
    /// <summary>The Money feature's services: the one way routes, pages and other features reach its data.</summary>
    public static IServiceCollection AddMoney(this IServiceCollection services)
    {
        services.AddSingleton<MoneyQueries>();
        services.AddSingleton<MoneyCommands>();
        services.AddSingleton<IssuedMonthStatements>();
        return services;
    }

    public static RouteGroupBuilder MapMoneyApi(this RouteGroupBuilder api)
    {
        var money = api.MapGroup("money")
            .WithTags("Money")
            .RequireAuthorization(Policies.People);
        money.MapGet("settings", Settings)
            .WithName("MoneySettings")
            .WithSummary("Every period of the tax rates, the container deposits and the channels' prices stated taxes included");
        money.MapPost("settings", Set)
            .WithName("SetMoneySetting")
            .WithSummary("Set a tax rate, a deposit or a channel's taxes-included from a day (the lead); the value in force that day ends the day before")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        money.MapGet("statements", Statement)
            .WithName("MonthStatement")
            .WithSummary("A month's statements: what each fridge venue and grocery store owes each brewery, with taxes and deposits (format=csv: the journal)")
            .Produces<MonthStatement>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ExpensiveRead();
        money.MapPost("statements/{month}/issues", Issue)
            .WithName("IssueMonthStatement")
            .WithSummary("Issue the month's statements once it is over (the lead): number 1, then a correction of what late facts changed")
            .RequireAuthorization(Policies.Lead)
            .ProducesProblem(StatusCodes.Status409Conflict);
        money.MapGet("statements/{month}/issues", Issued)
            .WithName("IssuedMonthStatements")
            .WithSummary("The month's issued statements, in order, each as it was issued (a brewer: those with its lines, its lines only)");
        money.MapGet("statements/{month}/issues/{number:int}", IssuedOne)
            .WithName("IssuedMonthStatement")
            .WithSummary("One issued statement (format=csv: its journal, or a correction's)")
            .Produces<IssuedMonthStatement>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Ok<List<MoneySetting>>> Settings(MoneyQueries money, CancellationToken ct) => TypedResults.Ok(await money.SettingsAsync(ct));

    private static async Task<Created<MoneySetting>> Set(NewMoneySetting body, Caller caller, MoneyCommands money, CancellationToken ct) =>
        TypedResults.Created("/api/v1/money/settings", await money.SetAsync(body, caller, ct));

    private static async Task<Results<Ok<MonthStatement>, FileContentHttpResult>> Statement([AsParameters] StatementQuery query, Caller caller, MoneyQueries money,
        CancellationToken ct)
    {
        var statement = await money.StatementAsync(query, caller, ct);
        if (query.Format != "csv") return TypedResults.Ok(statement);
        return TypedResults.File(statement.Journal().ToUtf8(), "text/csv; charset=utf-8", $"releve-{statement.Month}.csv");
    }

    private static async Task<Created<IssuedMonthStatement>> Issue([AsParameters] StatementQuery month, Caller caller, IssuedMonthStatements issued,
        CancellationToken ct)
    {
        var statement = await issued.IssueAsync(month, caller, ct);
        return TypedResults.Created($"/api/v1/money/statements/{statement.Month}/issues/{statement.Number}", statement);
    }

    private static async Task<Ok<List<IssuedMonthStatement>>> Issued([AsParameters] StatementQuery month, Caller caller, IssuedMonthStatements issued,
        CancellationToken ct) => TypedResults.Ok(await issued.ListAsync(month, caller, ct));

    private static async Task<Results<Ok<IssuedMonthStatement>, FileContentHttpResult, ProblemHttpResult>> IssuedOne([AsParameters] StatementQuery month, int number,
        Caller caller, IssuedMonthStatements issued, CancellationToken ct)
    {
        if ((await issued.ListAsync(month, caller, ct)).FirstOrDefault(s => s.Number == number) is not { } statement)
            return Problems.NotFound("number", $"statement {number} of {month.Month}");
        if (month.Format != "csv") return TypedResults.Ok(statement);
        var journal = (statement.Correction ?? statement.Statement).Journal(statement.Number);
        return TypedResults.File(journal.ToUtf8(), "text/csv; charset=utf-8", $"releve-{statement.Month}-{statement.Number}.csv");
    }
}

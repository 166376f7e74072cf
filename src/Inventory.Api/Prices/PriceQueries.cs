using Inventory.Api.Auth;
using Inventory.Api.Infrastructure;
using Npgsql;

namespace Inventory.Api.Prices;

/// <summary>The price list: everyone signed in reads it (prices are shown on shelves and kiosks).</summary>
public sealed class PriceQueries(NpgsqlDataSource db)
{
    /// <summary>
    /// The price list as the caller may see it: shelf and kiosk prices stand where anyone reads them; a grocery wholesale
    /// price is between the Table and the brewery, and who set a price is the lead's and that brewery's (rule "Each brewery sees its own").
    /// </summary>
    public async Task<List<Price>> ListAsync(Caller caller, PriceFilter filter, CancellationToken ct)
    {
        await using var command = db.Command($"""
            SELECT p.id, p.sku, br.slug, p.channel, p.unit_price_cents, p.valid_from, p.valid_to,
                   CASE WHEN $4::bigint IS NULL OR {Visibility.BeerOf("$4")} THEN p.set_by END
            FROM prices p JOIN beers b ON b.sku = p.sku JOIN breweries br ON br.id = b.brewery_id
            WHERE ($1::text IS NULL OR p.sku = $1) AND ($2::text IS NULL OR p.channel = $2)
              AND ($3::date IS NULL OR daterange(p.valid_from, p.valid_to, '[]') @> $3::date)
              AND ($4::bigint IS NULL OR p.channel <> '{PriceChannels.Grocery}' OR {Visibility.BeerOf("$4")})
            ORDER BY p.sku, p.channel, p.valid_from
            """, Db.Typed(filter.Sku, NpgsqlTypes.NpgsqlDbType.Text), Db.Typed(filter.Channel, NpgsqlTypes.NpgsqlDbType.Text), Db.Typed(filter.On, NpgsqlTypes.NpgsqlDbType.Date),
            Visibility.OnlyBrewery(caller));
        return await command.ListAsync(r => new Price(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
            r.GetFieldValue<DateOnly>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.IsDBNull(7) ? null : r.GetString(7)), ct);
    }

    /// <summary>A beer's price in a channel on the Table's day of a sale, inside the sale's transaction; null when the list has none.</summary>
    public static async Task<long?> PriceAsync(NpgsqlConnection c, NpgsqlTransaction tx, string sku, string channel, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = c.Command(tx, """
            SELECT unit_price_cents FROM prices WHERE sku = $1 AND channel = $2 AND daterange(valid_from, valid_to, '[]') @> ($3::timestamptz)::date
            """, sku, channel, at.UtcDateTime); // the session's zone is the Table's: ::date is the Table's day
        return await command.ExecuteScalarAsync(ct) as long?;
    }
}

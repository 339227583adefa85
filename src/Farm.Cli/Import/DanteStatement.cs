namespace Farm.Cli.Import;

/// <summary>
/// A top-level statement of a Dante <c>sockd.conf</c>: a global setting (<see cref="Kind"/> "setting",
/// one entry in <see cref="Settings"/>), or a block: <c>client pass {…}</c>, <c>socks block {…}</c>
/// (Dante 1.3's bare <c>pass {…}</c> is a socks rule), <c>route {…}</c>.
/// </summary>
public sealed record DanteStatement(int Line, string Kind, string? Action, IReadOnlyList<DanteSetting> Settings);

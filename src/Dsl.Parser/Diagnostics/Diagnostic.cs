using Dsl.Parser.Text;

namespace Dsl.Parser.Diagnostics;

/// <summary>
/// One message about a .cmodel file, located at a span. Value-equatable so that it can flow
/// through the generator's incremental pipeline.
/// </summary>
public sealed record Diagnostic(
    string Id,
    Severity Severity,
    string Message,
    string Path,
    TextSpan Span,
    LinePosition Start,
    LinePosition End)
{
    public bool IsError => Severity == Severity.Error;

    /// <summary>MSBuild's canonical form, with one-based line and column.</summary>
    public override string ToString() =>
        $"{Path}({Start.Line + 1},{Start.Character + 1}): {(IsError ? "error" : "warning")} {Id}: {Message}";
}

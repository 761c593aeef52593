namespace Dsl.Parser.Diagnostics;

public enum Severity
{
    Warning,
    Error,
}

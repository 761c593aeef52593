using System.Text;

namespace Dsl.Parser.Semantics;

/// <summary>How the language names things it makes up: the default field name of a block call.</summary>
public static class Naming
{
    /// <summary>PascalCase to snake_case, as state-dict keys are written: a call of ResBlock is res_block.</summary>
    public static string Snake(string pascal)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(pascal[i - 1]) || (i + 1 < pascal.Length && char.IsLower(pascal[i + 1])))) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}

namespace Bpdp.Policy.Model;

/// <summary>The type of one field of a case.</summary>
public enum InputType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>An integer or decimal number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>One of the field's listed values (text).</summary>
    Enum,

    /// <summary>A calendar date, <c>yyyy-MM-dd</c>; a CEL timestamp at midnight UTC in conditions.</summary>
    Date,
}

"""One router per resource; a Lambda function serves exactly one of them."""
